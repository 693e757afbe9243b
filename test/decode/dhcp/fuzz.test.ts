/**
 * Robustness: mutated real packets (byte flips, random bytes, truncations and extensions, option
 * length bytes set to 0/255/past the end, NULs removed) through both codecs. Nothing may throw,
 * every result keeps its shape, and for DHCP the decoded message re-encodes to something that
 * decodes back to the same message (minus framing anomalies). Deterministic (seeded PRNG).
 */
import { describe, it, expect } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { decodeDhcp, encodeDhcp } from '../../../src/decode/dhcp/codec.js';
import { decodeTftp } from '../../../src/decode/tftp/codec.js';
import type { DhcpMessage } from '../../../src/decode/dhcp/types.js';
import { isDhcpPacket, tftpPackets, udpPayloads } from './udp-payloads.js';

const fixtures = new URL('../../../fixtures/', import.meta.url).pathname;
const DHCP_SEEDS = [
  'public/netboot/usec.pcap',
  'public/tcpdump/dhcp-rfc3004.pcap',
  'public/suricata-verify/dhcp-option-52-overload/input.pcap',
  'public/suricata-verify/dhcp-option-52-overload-both/input.pcap',
  'public/zeek/dhcp_bad_cookie_option_retention.pcap',
  'public/zeek/dhcp_ack_subscriber_id_and_agent_remote_id.pcap',
  'public/nDPI/dhcp-fuzz.pcapng',
  'public/tcpdump/dhcp-rfc5859.pcap',
];
const TFTP_SEEDS = ['public/spicy-tftp/tftp_oack.pcap', 'public/tcpdump/tftp.pcap', 'public/nDPI/tftp.pcap', 'public/libslirp/tftp_capture.pcap'];

/** xorshift32: fast and reproducible. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Offsets of the option length bytes in a DHCP payload (walking like a decoder would). */
function optionLengthOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  let p = 240;
  while (p + 1 < b.length && b[p] !== 255) {
    if (b[p] === 0) {
      p++;
      continue;
    }
    out.push(p + 1);
    p += 2 + (b[p + 1] as number);
  }
  return out;
}

function mutate(seed: Uint8Array, next: () => number, lengthOffsets: number[]): Uint8Array {
  const kind = next() % 6;
  const pick = (n: number): number => (n > 0 ? next() % n : 0);
  switch (kind) {
    case 0: {
      const b = seed.slice();
      for (let i = 1 + pick(4); i > 0; i--) if (b.length) b[pick(b.length)] ^= 1 << pick(8);
      return b;
    }
    case 1: {
      const b = seed.slice();
      for (let i = 1 + pick(8); i > 0; i--) if (b.length) b[pick(b.length)] = pick(256);
      return b;
    }
    case 2:
      return seed.slice(0, pick(seed.length + 1));
    case 3: {
      const b = new Uint8Array(seed.length + 1 + pick(64));
      b.set(seed);
      for (let i = seed.length; i < b.length; i++) b[i] = pick(256);
      return b;
    }
    case 4: {
      // Length fields set to extremes: 0, 255, or exactly one past what is left.
      const b = seed.slice();
      if (lengthOffsets.length === 0) return b;
      const at = lengthOffsets[pick(lengthOffsets.length)] as number;
      const extremes = [0, 255, b.length - at, 1];
      b[at] = (extremes[pick(extremes.length)] as number) & 0xff;
      return b;
    }
    default: {
      // Drop about half the NULs (unterminates TFTP strings and BOOTP names, shifts everything after).
      return seed.filter((v) => v !== 0 || pick(2) === 0);
    }
  }
}

const FRAMING = /^(missing end option( in (file|sname))?|bad magic cookie|option \d+ runs past the end)$/;

describe('codecs survive mutated real packets', async () => {
  const dhcpSeeds: Uint8Array[] = [];
  for (const f of DHCP_SEEDS) dhcpSeeds.push(...(await udpPayloads(fixtures + f)).filter(isDhcpPacket).map((p) => p.payload));
  const tftpSeeds: Uint8Array[] = [];
  for (const f of TFTP_SEEDS) tftpSeeds.push(...tftpPackets(await udpPayloads(fixtures + f)).map((p) => p.payload).filter((p) => p.length < 600));

  it('decodeDhcp: 100 000 mutations, no exception, re-encodable', () => {
    expect(dhcpSeeds.length).toBeGreaterThan(20);
    const next = rng(0x5eed);
    const lengths = dhcpSeeds.map(optionLengthOffsets);
    const started = Date.now();
    let reencoded = 0;
    for (let i = 0; i < 100_000; i++) {
      const s = i % dhcpSeeds.length;
      const input = mutate(dhcpSeeds[s] as Uint8Array, next, lengths[s] as number[]);
      const m = decodeDhcp(input);
      if (!Array.isArray(m.anomalies) || !Array.isArray(m.options)) expect.fail('result lost its shape');
      if (m.anomalies.some((a) => a.code === 'decoder-error')) expect.fail(`decoder error on ${Buffer.from(input).toString('hex')}`);
      // Every 10th: the decoded message must re-encode, and decode back to itself.
      if (i % 10 === 0 && !m.anomalies.some((a) => a.code === 'truncated-header')) {
        const again = decodeDhcp(encodeDhcp(m));
        const want: DhcpMessage = { ...m, anomalies: m.anomalies.filter((a) => !FRAMING.test(a.detail)) };
        if (!isDeepStrictEqual(again, want)) expect(again, Buffer.from(input).toString('hex')).toEqual(want);
        reencoded++;
      }
    }
    expect(reencoded).toBeGreaterThan(5000);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('decodeTftp: 30 000 mutations, no exception', () => {
    expect(tftpSeeds.length).toBeGreaterThan(20);
    const next = rng(0x7f7f);
    for (let i = 0; i < 30_000; i++) {
      const p = decodeTftp(mutate(tftpSeeds[i % tftpSeeds.length] as Uint8Array, next, []));
      if (p !== null && (p.opcode < 1 || p.opcode > 6 || !Array.isArray(p.anomalies))) expect.fail(`bad result ${JSON.stringify(p)}`);
    }
  });

  it('decodes every prefix of real packets without throwing', () => {
    for (const seed of dhcpSeeds.slice(0, 10)) for (let n = 0; n <= seed.length; n++) decodeDhcp(seed.subarray(0, n));
    for (const seed of tftpSeeds.slice(0, 20)) for (let n = 0; n <= seed.length; n++) decodeTftp(seed.subarray(0, n));
  });
});
