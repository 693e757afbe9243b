/** DNS codec: real query/response bytes from public captures, held against tshark; round trips; damage. */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { decodeDns, encodeDns, DnsType } from '../../src/decode/dns.js';
import { needTool } from '../capture/helpers.js';

const FILES = ['fixtures/public/PcapPlusPlus/sll.pcap', 'fixtures/public/ipfixprobe/mixed.pcap', 'fixtures/public/PcapPlusPlus/raw_ip.pcap', 'fixtures/captures/fail-ipxe-dns-nxdomain-bios.pcap'];

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
}

describe('decodeDns on real messages, against tshark', () => {
  (needTool('tshark') ? it : it.skip)('id, QR, rcode, question, A answers: the same as tshark for every DNS frame', () => {
    let n = 0;
    for (const file of FILES) {
      const out = execFileSync('tshark', ['-r', file, '-Y', 'dns && udp', '-T', 'fields', '-E', 'separator=|', '-e', 'udp.payload', '-e', 'dns.id', '-e', 'dns.flags.response', '-e', 'dns.flags.rcode', '-e', 'dns.qry.name', '-e', 'dns.qry.type', '-e', 'dns.a', '-e', 'dns.count.answers'], { encoding: 'utf8' });
      for (const line of out.split('\n').filter(Boolean)) {
        const [payload, id, qr, rcode, qname, qtype, a, count] = line.split('|');
        const m = decodeDns(hex(payload!));
        expect(m.error, line).toBeUndefined();
        expect(m.id).toBe(parseInt(id!, 16));
        expect(m.response).toBe(qr === '1' || qr === 'True');
        if (rcode) expect(m.rcode).toBe(Number(rcode));
        expect(m.questions[0]?.name).toBe(qname);
        expect(m.questions[0]?.type).toBe(Number(qtype));
        expect(m.answers.length).toBe(Number(count));
        expect(m.answers.filter((x) => x.type === DnsType.A).map((x) => x.data).join(',')).toBe(a ?? '');
        // Re-encoded (without compression) it decodes to the same message.
        const again = decodeDns(encodeDns(m));
        expect({ ...again, authorityCount: 0, additionalCount: 0 }).toEqual({ ...m, authorityCount: 0, additionalCount: 0 });
        n++;
      }
    }
    expect(n).toBeGreaterThan(20);
  });
});

describe('encodeDns / decodeDns', () => {
  it('round-trips a query, an NXDOMAIN and a response with A, AAAA and CNAME answers', () => {
    const q = { id: 0x1234, recursionDesired: true, questions: [{ name: 'boot.example.org', type: DnsType.A, class: 1 }] };
    expect(decodeDns(encodeDns(q))).toMatchObject({ id: 0x1234, response: false, rcode: 0, questions: q.questions, answers: [] });
    const nx = decodeDns(encodeDns({ ...q, response: true, rcode: 3 }));
    expect(nx).toMatchObject({ response: true, rcode: 3 });
    const answers = [
      { name: 'boot.example.org', type: DnsType.CNAME, class: 1, ttl: 60, data: 'web.example.org' },
      { name: 'web.example.org', type: DnsType.A, class: 1, ttl: 60, data: '192.0.2.2' },
      { name: 'web.example.org', type: DnsType.AAAA, class: 1, ttl: 60, data: '2001:db8::2' },
    ];
    expect(decodeDns(encodeDns({ ...q, response: true, answers })).answers).toEqual(answers);
  });
  it('never throws on damage: cut short, pointer loops, labels past the end', () => {
    const good = encodeDns({ id: 1, response: true, questions: [{ name: 'a.b', type: 1, class: 1 }], answers: [{ name: 'a.b', type: 1, class: 1, ttl: 1, data: '192.0.2.1' }] });
    for (let i = 0; i < good.length; i++) expect(() => decodeDns(good.subarray(0, i))).not.toThrow();
    expect(decodeDns(good.subarray(0, 5)).error).toContain('header cut short');
    const loop = Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    expect(decodeDns(loop).error).toContain('loop');
    expect(decodeDns(good.subarray(0, good.length - 2)).error).toContain('cut short');
  });
});
