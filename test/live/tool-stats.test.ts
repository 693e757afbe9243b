/**
 * Kernel drops while a sensor runs (--metrics' pxe_doctor_packets_dropped_total): the session asks
 * tcpdump for its statistics with SIGUSR1 every statsIntervalMs; tcpdump prints them and goes on
 * capturing. A real tcpdump on the loopback of a network namespace this test creates (pxq-) and
 * deletes: the session (the built dist/) runs inside it through `ip netns exec`.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NetnsLab, REPO, labUnavailable, run } from '../helpers/netns-lab.js';

const unavailable = labUnavailable(['ip', 'tcpdump'], 'tool stats test');

const SCRIPT = `
const { startLiveSession } = await import(${JSON.stringify(join(REPO, 'dist/live/session.js'))});
const stats = [];
const s = startLiveSession({ iface: 'lo', captureTool: 'tcpdump', durationSec: 1.6, statsIntervalMs: 300, onToolStats: (x) => stats.push(x) });
const r = await s.result;
console.log(JSON.stringify({ stats, stopReason: r.stopReason, dropped: r.tool.droppedByKernel, messages: r.tool.messages }));
`;

describe.skipIf(unavailable !== undefined)('tcpdump statistics while capturing', () => {
  const lab = new NetnsLab(`pxq-${process.pid % 100000}`);
  afterAll(() => lab.cleanup());

  it('reports the running drop count several times, and the capture goes on to a normal stop', () => {
    const ns = lab.addNamespace('s');
    const out = run('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', SCRIPT], { timeout: 20_000 });
    const r = JSON.parse(out) as { stats: { captured?: number; droppedByKernel?: number }[]; stopReason: string; dropped?: number; messages: string[] };
    expect(r.stopReason).toBe('duration');
    expect(r.stats.length).toBeGreaterThanOrEqual(2);
    for (const s of r.stats) expect(s.droppedByKernel).toBe(0);
    expect(r.dropped).toBe(0);
    expect(r.messages).toEqual([]);
  });
});
