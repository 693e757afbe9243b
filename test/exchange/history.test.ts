/**
 * Issue 16: the work per packet must not grow with what a client did before. The same 400
 * transactions are analyzed after 2 000 and after 10 000 identical ones, and the array elements
 * visited or copied meanwhile are counted (Array built-ins that walk or copy a list, and for-of
 * over arrays): with work that grows with history (a list copied per append, a list scanned per
 * packet, both growing with the client's transactions) the second count is about 5 times the
 * first; with O(1) amortised work per packet they are the same. Counted, not timed: the machine's
 * load cannot change the result.
 *
 * The traffic is the shapes in small: a host renewing with a new xid forever (one DHCP
 * round), a host re-DISCOVERing (a new round each time), an iPXE client in a chainload loop (DHCP,
 * then the same NBP again) and a host fetching a file over TFTP again and again without DHCP.
 */
import { describe, expect, it } from 'vitest';
import { Dissector } from '../../src/decode/dissect.js';
import { dhcpOpt } from '../../src/decode/dhcp/options.js';
import { Analyzer } from '../../src/pipeline.js';
import { Scenario, type Host } from './scenario.js';

const SERVER: Host = { mac: '02:00:00:00:01:01', ip: '192.0.2.1' };
const TFTP: Host = { mac: '02:00:00:00:02:01', ip: '192.0.2.2' };
const RENEWER: Host = { mac: '02:00:5e:10:00:01', ip: '192.0.2.21' };
const REDISCOVERER = { mac: '02:00:5e:10:00:02', plain: true };
const LOOPER = { mac: '52:54:00:be:00:01', ipxe: true };
const LOOPER_IP: Host = { mac: LOOPER.mac, ip: '192.0.2.100' };
const FETCHER: Host = { mac: '02:00:5e:20:00:01', ip: '192.0.2.30' };

const SHALLOW = 2_000;
const DEEP = 10_000;
const WINDOW = 400;

/** One transaction of every host; `i` makes its xids and ports. */
function transaction(s: Scenario, i: number): void {
  const xid = (k: number): number => (Math.imul(i * 4 + k + 1, 2654435761) >>> 0) || 1;
  // A renewal (RFC 2131 §4.4.5): unicast REQUEST from the leased address, ACK.
  s.dhcp(RENEWER, 68, SERVER, 67, { op: 1, xid: xid(0), chaddr: RENEWER.mac, ciaddr: RENEWER.ip, options: [dhcpOpt.messageType(3)] });
  s.dhcp(SERVER, 67, RENEWER, 68, { op: 2, xid: xid(0), chaddr: RENEWER.mac, ciaddr: RENEWER.ip, yiaddr: RENEWER.ip, options: [dhcpOpt.messageType(5), dhcpOpt.serverId(SERVER.ip)] });
  s.dora(REDISCOVERER, SERVER, xid(1), '192.0.2.22');
  s.dora(LOOPER, SERVER, xid(2), LOOPER_IP.ip, { siaddr: TFTP.ip, bootFile: 'undionly.kpxe' });
  s.tftpRead(LOOPER_IP, TFTP, 'undionly.kpxe', 700, { port: 2000 + (i % 1000), serverPort: 40000 + (i % 1000) });
  s.tftpRead(FETCHER, TFTP, 'hosts.txt', 100, { port: 3000 + (i % 1000), serverPort: 41000 + (i % 1000) });
}

/** Array methods that visit or copy a list; each call counts the elements of `this` (and concat's arguments). */
const WALKERS = ['concat', 'includes', 'indexOf', 'lastIndexOf', 'find', 'findIndex', 'findLast', 'findLastIndex', 'some', 'every', 'filter', 'map', 'forEach', 'reduce', 'slice', 'splice', 'flatMap', 'join'] as const;

/** Runs `fn` with the elements visited or copied by Array built-ins and for-of counted. */
function countElements(fn: () => void): number {
  let n = 0;
  const proto = Array.prototype as unknown as Record<string | symbol, (...a: unknown[]) => unknown>;
  const saved = new Map<string | symbol, (...a: unknown[]) => unknown>();
  for (const name of [...WALKERS, Symbol.iterator]) {
    const orig = proto[name]!;
    saved.set(name, orig);
    proto[name] = function (this: unknown[], ...args: unknown[]) {
      n += this.length;
      if (name === 'concat') for (const a of args) if (Array.isArray(a)) n += a.length;
      return orig.apply(this, args);
    };
  }
  try {
    fn();
  } finally {
    for (const [name, orig] of saved) proto[name] = orig;
  }
  return n;
}

describe('work per packet and a client’s history', () => {
  it(`is the same after ${DEEP} transactions as after ${SHALLOW} (elements visited or copied, counted)`, () => {
    const s = new Scenario();
    const starts: number[] = [];
    for (let i = 0; i < DEEP + WINDOW; i++) {
      starts.push(s.frames.length);
      transaction(s, i);
    }
    starts.push(s.frames.length);

    /** Elements walked while analyzing transactions [from, from + WINDOW) after the ones before them. */
    const windowWork = (from: number): { work: number; clients: number; frames: number } => {
      const analyzer = new Analyzer();
      const dissector = new Dissector();
      const feed = (a: number, b: number): void => {
        for (let k = a; k < b; k++) {
          const f = s.frames[k]!;
          analyzer.setCaptureStart(f.ts);
          const ev = dissector.dissect(f);
          if (ev) analyzer.push(ev);
          for (const side of dissector.drain()) analyzer.push(side);
        }
      };
      feed(0, starts[from]!);
      const work = countElements(() => feed(starts[from]!, starts[from + WINDOW]!));
      const a = analyzer.finish();
      return { work, clients: a.clients.length, frames: starts[from + WINDOW]! - starts[from]! };
    };

    const shallow = windowWork(SHALLOW);
    const deep = windowWork(DEEP);
    // The same four hosts, each one client from start to end (no idle gap ends a session).
    expect(shallow.clients).toBe(4);
    expect(deep.clients).toBe(4);
    expect(deep.frames).toBe(shallow.frames);
    const perPacket = (w: { work: number; frames: number }): string => (w.work / w.frames).toFixed(1);
    // Before issue 16: about 5x (the renewing host's xids were scanned and copied per packet).
    expect(deep.work / shallow.work, `elements per packet: ${perPacket(shallow)} after ${SHALLOW}, ${perPacket(deep)} after ${DEEP} transactions`).toBeLessThan(1.2);
  }, 120_000);
});
