/**
 * IPv4 fragment reassembly on real kernel-fragmented traffic: tftpd-hpa serves a file to atftp
 * with blksize 4000 over a 1500-byte MTU link, so every DATA packet leaves the server in three
 * IPv4 fragments. tcpdump records it on the client side; our dissector must see whole DATA blocks
 * (and agree with tshark, when present). Lost fragments are tested on this capture's committed copy
 * with frames left out (dissect.test.ts): dropping fragments on a veth link is not reliable here.
 *
 * Runs only inside network namespaces this test creates (prefix pxb-), addresses from
 * 192.0.2.0/24. Every process is stopped by its PID and the namespaces are deleted in afterAll.
 * Needs root, ip, in.tftpd, atftp, tcpdump: skipped when missing unless CI is set.
 *
 * The captures made here were also kept once (PXB_KEEP_CAPTURES=test/golden/captures) and their
 * tshark goldens written, so the tshark comparison of fragmented TFTP runs in tshark-diff.test.ts
 * even without root.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCapture } from '../../src/capture/open.js';
import { Dissector } from '../../src/decode/dissect.js';
import type { PacketEvent } from '../../src/decode/events.js';
import { NetnsLab, have, labUnavailable, run, type Started } from '../helpers/netns-lab.js';
import { diffCapture, type Golden } from './tshark-compare.js';

const root = resolve(import.meta.dirname, '../..');
const why = labUnavailable(['in.tftpd', 'atftp', 'tcpdump'], 'fragments-live');

const lab = new NetnsLab(`pxb-f${process.pid % 100000}`);
const NS_SRV = lab.ns('s');
const NS_CLI = lab.ns('c');
const SERVER = '192.0.2.1';
const CLIENT = '192.0.2.10';
const FILE_SIZE = 18_000; // 4 full 4000-byte blocks + 2000
let dir = '';

function sh(args: string[], ns?: string): string {
  return ns ? run('ip', ['netns', 'exec', ns, ...args], { timeout: 30_000 }) : run(args[0]!, args.slice(1), { timeout: 30_000 });
}

/** tcpdump on the client side; resolves once it is listening. */
async function capture(file: string): Promise<Started> {
  const p = lab.startIn(NS_CLI, 'tcpdump', ['-i', 'pxb-c', '-n', '--immediate-mode', '-U', '-s', '0', '-w', file, 'udp or icmp']);
  await p.waitFor(/listening on/, 10_000);
  return p;
}

function fetch(local: string): number | null {
  const r = spawnSync('ip', ['netns', 'exec', NS_CLI, 'timeout', '20', 'atftp', '--option', 'blksize 4000', '--tftp-timeout', '1', '-g', '-r', 'payload.bin', '-l', local, SERVER], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return r.status;
}

/** PXB_KEEP_CAPTURES=DIR keeps a copy (how test/golden/captures/ was made). */
function keep(pcap: string): void {
  const to = process.env.PXB_KEEP_CAPTURES;
  if (to) sh(['cp', pcap, to]);
}

async function dissectFile(path: string): Promise<PacketEvent[]> {
  const d = new Dissector();
  const events: PacketEvent[] = [];
  await readCapture(path, {
    frame(f) {
      const ev = d.dissect(f);
      if (ev) events.push(ev);
      events.push(...d.drain());
    },
  });
  events.push(...d.flush());
  return events;
}

describe.skipIf(why)('IPv4 fragments on a real link (tftpd-hpa -> atftp, blksize 4000, MTU 1500)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pxb-frag-'));
    chmodSync(dir, 0o755);
    const payload = new Uint8Array(FILE_SIZE);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + 3) & 0xff;
    writeFileSync(join(dir, 'payload.bin'), payload);
    chmodSync(join(dir, 'payload.bin'), 0o644);
    lab.addNamespace('s');
    lab.addNamespace('c');
    sh(['ip', 'link', 'add', 'pxb-s', 'type', 'veth', 'peer', 'name', 'pxb-c'], NS_SRV);
    sh(['ip', 'link', 'set', 'pxb-c', 'netns', NS_CLI], NS_SRV);
    sh(['ip', 'addr', 'add', `${SERVER}/24`, 'dev', 'pxb-s'], NS_SRV);
    sh(['ip', 'addr', 'add', `${CLIENT}/24`, 'dev', 'pxb-c'], NS_CLI);
    for (const [ns, dev] of [
      [NS_SRV, 'pxb-s'],
      [NS_CLI, 'pxb-c'],
    ] as const) {
      sh(['ip', 'link', 'set', dev, 'mtu', '1500', 'up'], ns);
      // No offloads: the capture must show fragments as they are on the wire.
      spawnSync('ip', ['netns', 'exec', ns, 'ethtool', '-K', dev, 'tx', 'off', 'gso', 'off', 'gro', 'off'], { timeout: 5000 });
    }
    lab.startIn(NS_SRV, 'in.tftpd', ['--foreground', '--address', `${SERVER}:69`, '--user', 'nobody', '--secure', dir]);
    await new Promise((r) => setTimeout(r, 500));
  }, 60_000);

  afterAll(async () => {
    await lab.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reassembles every DATA block and agrees with tshark', async () => {
    const pcap = join(dir, 'tftp-fragmented.pcap');
    const dump = await capture(pcap);
    expect(fetch(join(dir, 'got.bin'))).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    await lab.stop(dump);
    keep(pcap);
    const events = await dissectFile(pcap);
    const data = events.filter((e): e is Extract<PacketEvent, { kind: 'tftp' }> => e.kind === 'tftp' && e.tftp.opcode === 3);
    expect(data.map((e) => e.tftp.opcode === 3 && e.tftp.length)).toEqual([4000, 4000, 4000, 4000, 2000]);
    // 4000 + 4 + 8 bytes of UDP over a 1500 MTU (1480 per fragment): 3 fragments per full block.
    for (const e of data.slice(0, 4)) expect(e.meta.fragmentFrames).toHaveLength(3);
    expect(events.filter((e) => e.kind === 'fragment-problem')).toEqual([]);
    expect(events.find((e) => e.kind === 'tftp' && e.tftp.opcode === 6)).toBeTruthy();
    if (have('tshark')) {
      const r = spawnSync(process.execPath, [join(root, 'scripts/golden-tshark.mjs'), '--stdout', pcap], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(0);
      const golden = JSON.parse(r.stdout) as Golden;
      const { diffs } = await diffCapture(pcap, golden);
      expect(diffs).toEqual([]);
    }
  });
});
