/**
 * DNS messages (RFC 1035 section 4), decode and encode: what a loader's name lookups need (the
 * question, the response code, the answers). Names may use compression pointers (RFC 1035 4.1.4);
 * the decoder follows them with a hop limit and bounds checks and never throws: a message it cannot
 * read is returned with `error` set. The encoder writes names without compression, so
 * encode(decode(x)) is the same message, not always the same bytes.
 */
import { ByteReader, ByteWriter } from './bytes.js';

export const DNS_PORT = 53;

export const DnsType = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33 } as const;

/** RFC 1035 / 6895 response codes. */
export const DNS_RCODES: Readonly<Record<number, string>> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export interface DnsRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  /** A: dotted quad; AAAA: RFC 5952 text; CNAME / NS / PTR: the name; anything else: hex of the RDATA. */
  data: string;
}

export interface DnsMessage {
  id: number;
  /** QR bit: true for a response. */
  response: boolean;
  opcode: number;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  /** Authority and additional records are counted, not kept. */
  authorityCount: number;
  additionalCount: number;
  /** Set when the message was cut short or malformed; what was read before stays. */
  error?: string;
}

const MAX_RECORDS = 64;
const MAX_POINTER_HOPS = 32;

class DnsError extends Error {}

function readName(b: Uint8Array, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let p = start;
  let next = -1;
  let hops = 0;
  let length = 0;
  for (;;) {
    if (p >= b.length) throw new DnsError('name runs past the message');
    const len = b[p] as number;
    if (len === 0) {
      if (next < 0) next = p + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= b.length) throw new DnsError('compression pointer cut short');
      if (++hops > MAX_POINTER_HOPS) throw new DnsError('compression pointer loop');
      if (next < 0) next = p + 2;
      p = ((len & 0x3f) << 8) | (b[p + 1] as number);
      continue;
    }
    if ((len & 0xc0) !== 0) throw new DnsError(`label type 0x${(len & 0xc0).toString(16)} is not supported`);
    if (p + 1 + len > b.length) throw new DnsError('label runs past the message');
    let label = '';
    for (let i = 0; i < len; i++) {
      const c = b[p + 1 + i] as number;
      label += c === 0x2e || c === 0x5c ? `\\${String.fromCharCode(c)}` : c > 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\${c.toString().padStart(3, '0')}`;
    }
    labels.push(label);
    length += len + 1;
    if (length > 255) throw new DnsError('name longer than 255 bytes');
    p += 1 + len;
  }
  return { name: labels.length === 0 ? '.' : labels.join('.'), next };
}

function ipv6Text(b: Uint8Array, o: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[o + 2 * i] as number) << 8) | (b[o + 2 * i + 1] as number));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Decodes a DNS message; never throws (see `error`). */
export function decodeDns(b: Uint8Array): DnsMessage {
  const m: DnsMessage = {
    id: 0,
    response: false,
    opcode: 0,
    authoritative: false,
    truncated: false,
    recursionDesired: false,
    recursionAvailable: false,
    rcode: 0,
    questions: [],
    answers: [],
    authorityCount: 0,
    additionalCount: 0,
  };
  if (b.length < 12) {
    m.error = `header cut short (${b.length} of 12 bytes)`;
    return m;
  }
  const r = new ByteReader(b);
  m.id = r.u16();
  const flags = r.u16();
  m.response = (flags & 0x8000) !== 0;
  m.opcode = (flags >> 11) & 0xf;
  m.authoritative = (flags & 0x0400) !== 0;
  m.truncated = (flags & 0x0200) !== 0;
  m.recursionDesired = (flags & 0x0100) !== 0;
  m.recursionAvailable = (flags & 0x0080) !== 0;
  m.rcode = flags & 0xf;
  const qd = r.u16();
  const an = r.u16();
  m.authorityCount = r.u16();
  m.additionalCount = r.u16();
  let p = 12;
  try {
    for (let i = 0; i < qd; i++) {
      const n = readName(b, p);
      p = n.next;
      if (p + 4 > b.length) throw new DnsError('question cut short');
      if (m.questions.length < MAX_RECORDS) m.questions.push({ name: n.name, type: ((b[p] as number) << 8) | (b[p + 1] as number), class: ((b[p + 2] as number) << 8) | (b[p + 3] as number) });
      p += 4;
    }
    for (let i = 0; i < an; i++) {
      const n = readName(b, p);
      p = n.next;
      if (p + 10 > b.length) throw new DnsError('answer cut short');
      const type = ((b[p] as number) << 8) | (b[p + 1] as number);
      const cls = ((b[p + 2] as number) << 8) | (b[p + 3] as number);
      const ttl = (((b[p + 4] as number) << 24) | ((b[p + 5] as number) << 16) | ((b[p + 6] as number) << 8) | (b[p + 7] as number)) >>> 0;
      const rdlen = ((b[p + 8] as number) << 8) | (b[p + 9] as number);
      const rd = p + 10;
      if (rd + rdlen > b.length) throw new DnsError('answer data cut short');
      let data: string;
      if (type === DnsType.A && rdlen === 4) data = `${b[rd]}.${b[rd + 1]}.${b[rd + 2]}.${b[rd + 3]}`;
      else if (type === DnsType.AAAA && rdlen === 16) data = ipv6Text(b, rd);
      else if (type === DnsType.CNAME || type === DnsType.NS || type === DnsType.PTR) data = readName(b, rd).name;
      else data = Array.from(b.subarray(rd, rd + rdlen), (x) => x.toString(16).padStart(2, '0')).join('');
      if (m.answers.length < MAX_RECORDS) m.answers.push({ name: n.name, type, class: cls, ttl, data });
      p = rd + rdlen;
    }
  } catch (e) {
    m.error = e instanceof DnsError ? e.message : String(e);
  }
  return m;
}

export interface DnsMessageInit {
  id: number;
  response?: boolean;
  opcode?: number;
  authoritative?: boolean;
  truncated?: boolean;
  recursionDesired?: boolean;
  recursionAvailable?: boolean;
  rcode?: number;
  questions?: DnsQuestion[];
  answers?: DnsRecord[];
}

function writeName(w: ByteWriter, name: string): void {
  if (name !== '.' && name !== '') {
    for (const label of name.replace(/\.$/, '').split('.')) {
      const bytes = Uint8Array.from(label.replace(/\\(\d{3}|.)/g, (_, x: string) => String.fromCharCode(x.length === 3 ? Number(x) : x.charCodeAt(0))), (ch) => ch.charCodeAt(0) & 0xff);
      if (bytes.length === 0 || bytes.length > 63) throw new Error(`DNS label "${label}" must be 1 to 63 bytes`);
      w.u8(bytes.length).bytes(bytes);
    }
  }
  w.u8(0);
}

function writeData(w: ByteWriter, r: DnsRecord): void {
  const body = new ByteWriter(64);
  if (r.type === DnsType.A) for (const x of r.data.split('.')) body.u8(Number(x));
  else if (r.type === DnsType.AAAA) {
    const [head, tail] = r.data.includes('::') ? r.data.split('::') : [r.data, undefined];
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
    for (const g of groups) body.u16(parseInt(g, 16));
  } else if (r.type === DnsType.CNAME || r.type === DnsType.NS || r.type === DnsType.PTR) writeName(body, r.data);
  else for (let i = 0; i + 1 < r.data.length; i += 2) body.u8(parseInt(r.data.slice(i, i + 2), 16));
  const bytes = body.result();
  w.u16(bytes.length).bytes(bytes);
}

/** Encodes a DNS message (names uncompressed). Throws on a label it cannot write (a caller error). */
export function encodeDns(m: DnsMessageInit): Uint8Array {
  const w = new ByteWriter(512);
  const flags =
    (m.response ? 0x8000 : 0) |
    ((m.opcode ?? 0) << 11) |
    (m.authoritative ? 0x0400 : 0) |
    (m.truncated ? 0x0200 : 0) |
    (m.recursionDesired ? 0x0100 : 0) |
    (m.recursionAvailable ? 0x0080 : 0) |
    ((m.rcode ?? 0) & 0xf);
  const qs = m.questions ?? [];
  const as = m.answers ?? [];
  w.u16(m.id).u16(flags).u16(qs.length).u16(as.length).u16(0).u16(0);
  for (const q of qs) {
    writeName(w, q.name);
    w.u16(q.type).u16(q.class);
  }
  for (const a of as) {
    writeName(w, a.name);
    w.u16(a.type).u16(a.class).u32(a.ttl);
    writeData(w, a);
  }
  return w.result().slice();
}
