/**
 * DNS lookups of a booting client (issue 18): a loader resolving the host of an http:// URL. Kept
 * per client (ClientRecord.dns, bounded), query and answer paired by id and name.
 */
import type { DnsEvent } from '../../decode/events.js';
import { DNS_RCODES, DnsType } from '../../decode/dns.js';
import type { ClientRecord, DnsLookupRecord } from '../types.js';

const MAX_LOOKUPS = 64;
const MAX_REPEATS = 16;

const TYPE_NAMES: Readonly<Record<number, string>> = { [DnsType.A]: 'A', [DnsType.AAAA]: 'AAAA', [DnsType.CNAME]: 'CNAME', [DnsType.PTR]: 'PTR', [DnsType.SRV]: 'SRV' };

export function dnsTypeName(t: number): string {
  return TYPE_NAMES[t] ?? `type ${t}`;
}

/** Adds a DNS message of client `c`; returns a timeline label for a new query or an answer. */
export function recordDns(c: ClientRecord, ev: DnsEvent): string | undefined {
  const m = ev.dns;
  const q = m.questions[0];
  if (!q || m.opcode !== 0) return undefined;
  const list = (c.dns ??= []);
  const { frame, ts } = ev.meta;
  let rec: DnsLookupRecord | undefined;
  for (let i = list.length - 1; i >= 0 && i >= list.length - 8; i--) {
    const x = list[i]!;
    if (x.id === m.id && x.name === q.name && x.type === q.type) {
      rec = x;
      break;
    }
  }
  if (!m.response) {
    if (rec && rec.responseFrame === undefined) {
      if (rec.repeatFrames.length < MAX_REPEATS) rec.repeatFrames.push(frame);
      rec.lastFrame = frame;
      rec.lastTs = ts;
      return undefined;
    }
    if (list.length >= MAX_LOOKUPS) return undefined;
    list.push({ name: q.name, type: q.type, id: m.id, server: ev.meta.dst, queryFrame: frame, queryTs: ts, repeatFrames: [], addresses: [], lastFrame: frame, lastTs: ts });
    return `DNS query ${dnsTypeName(q.type)} ${q.name}`;
  }
  if (!rec || rec.responseFrame !== undefined) return undefined;
  rec.responseFrame = frame;
  rec.rcode = m.rcode;
  rec.lastFrame = frame;
  rec.lastTs = ts;
  for (const a of m.answers) if ((a.type === DnsType.A || a.type === DnsType.AAAA) && rec.addresses.length < 8) rec.addresses.push(a.data);
  return `DNS ${DNS_RCODES[m.rcode] ?? `rcode ${m.rcode}`} ${q.name}${rec.addresses.length > 0 ? ` = ${rec.addresses.join(', ')}` : m.rcode === 0 ? ' (no address)' : ''}`;
}
