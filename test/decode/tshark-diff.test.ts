/**
 * Differential test against tshark: for every capture with a golden file under
 * test/golden/ (written by `node scripts/golden-tshark.mjs`, TShark 4.0.17), our readers +
 * Dissector must yield exactly the frames tshark shows for `dhcp || tftp || icmp.type == 3`, and
 * every `decode --json` field must equal tshark's value.
 *
 * Where tshark differs on purpose or is wrong, the difference is listed in KNOWN_DIFFERENCES below:
 * each entry names the capture, the frame(s), the field, why, and a predicate on the two values so
 * that only that exact disagreement is accepted. An entry that no longer matches anything fails
 * the test (no stale exceptions).
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readCapture } from '../../src/capture/open.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import { describeDifference, diffCapture, type Difference, type Golden, type GoldenFrame, type Ours } from './tshark-compare.js';

const root = resolve(import.meta.dirname, '../..');
const goldenRoot = join(root, 'test/golden');

interface KnownDifference {
  /** Capture path relative to the repo, or '*' for a difference tied to content, not a file. */
  capture: string;
  /** Frames it applies to (undefined = any frame of that capture, only with a strict predicate). */
  frames?: number[];
  /** Field name, or 'dhcp.*' / 'tftp.*' for "any field of that layer" (snap-length cuts only). */
  field: string;
  why: string;
  /** Must hold for the difference to be accepted. */
  accept(d: Difference, ours: Ours, golden: GoldenFrame): boolean;
}

function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >> 8);
}

function fieldMatches(pattern: string, field: string): boolean {
  return pattern.endsWith('.*') ? field.startsWith(pattern.slice(0, -1)) : pattern === field;
}

const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    capture: '*',
    field: 'dhcp.secs',
    why:
      'tshark byte-swaps `secs` when its low byte is 0 and it "appears to be encoded as ' +
      'little-endian" (its expert note). Windows clients and the PXE ROM in our qemu lab captures ' +
      'really send it that way; we report the wire value in network order as RFC 2131 defines it ' +
      '(the analysis layer may interpret it). Seen in PcapPlusPlus/raw_ip.pcap and lab captures.',
    accept: (d) => typeof d.tshark === 'number' && typeof d.ours === 'number' && d.ours > 0xff && (d.ours & 0xff) === 0 && d.ours === swap16(d.tshark),
  },
  {
    capture: 'fixtures/public/nDPI/dhcp-fuzz.pcapng',
    frames: [1],
    field: 'dhcp.options',
    why:
      'The last option (60, length 49) runs past the end of the packet. tshark lists it without a ' +
      'value; our codec keeps only complete options and records the overrun as an anomaly.',
    accept: (d, ours) => {
      const t = d.tshark as { code: number }[];
      const o = d.ours as { code: number }[];
      return (
        t.length === o.length + 1 &&
        JSON.stringify(t.slice(0, -1)) === JSON.stringify(o) &&
        t[t.length - 1]!.code === 60 &&
        (ours.record.dhcp?.anomalies.some((a) => a.includes('60')) ?? false)
      );
    },
  },
  {
    capture: 'fixtures/public/nDPI/tftp.pcap',
    frames: [1],
    field: 'tftp.options',
    why:
      'A malformed RRQ with an empty filename and an empty mode followed by "octet". tshark reads ' +
      'the "octet" as an option with an empty name; we report empty filename and mode as anomalies ' +
      'and no options.',
    accept: (d, ours) =>
      JSON.stringify(d.tshark) === JSON.stringify({ '': 'octet' }) &&
      JSON.stringify(d.ours) === '{}' &&
      ours.record.tftp?.filename === '' &&
      ours.record.tftp?.mode === '',
  },
  ...['fixtures/public/tcpdump/bootp_asan.pcap', 'fixtures/public/tcpdump/bootp_asan-2.pcap'].map(
    (capture): KnownDifference => ({
      capture,
      frames: [1],
      field: 'dhcp.*',
      why:
        'The snap length cut the BOOTP header (48 and 11 of 236 bytes). tshark then prints no BOOTP ' +
        'field at all; we decode the fields that are there and record the truncation as an anomaly.',
      accept: (d, ours, g) => g.short === true && d.tshark === undefined && (ours.record.dhcp?.anomalies.length ?? 0) > 0,
    }),
  ),
  {
    capture: 'fixtures/public/tcpdump/tftp-heapoverflow.pcap',
    frames: [1],
    field: 'tftp.*',
    why:
      'An RRQ cut by the snap length after "00" (no NUL). tshark prints only the opcode; we keep ' +
      'the partial filename and record the missing terminators as anomalies.',
    accept: (d, ours, g) => g.short === true && d.tshark === undefined && (ours.record.tftp?.opcode === 1),
  },
  {
    capture: 'fixtures/captures/v6-http-fail-uefi.pcap',
    frames: [60],
    field: 'dhcp6.vendorClass',
    why:
      'dnsmasq 2.90 writes the configured option6:16 as one length-prefixed text (002f "00:00:01:57:...") ' +
      'without the 4-byte enterprise number, so the first vendor-class-data length (0x3a30) runs far ' +
      'past the option. tshark shows the rest of the option as a truncated entry; we report the ' +
      'overrun as an anomaly and no vendor class (the scenario is about exactly this malformed option).',
    accept: (d, ours) =>
      d.ours === undefined && typeof d.tshark === 'string' && (ours.record.dhcp6?.anomalies.some((a) => a.startsWith('option 16 entry length')) ?? false),
  },
  ...['fixtures/captures/ok-option43-hex-text-bios.pcap', 'fixtures/captures/fail-option43-hex-text-uefi.pcap'].flatMap((capture): KnownDifference[] => {
    const why =
      'isc-dhcpd sends option 43 as the ASCII text "060108" before option 60 "PXEClient". tshark reads ' +
      'it as PXE sub-options, throws at sub-option 48 (length 54 in a 6-byte option: "[Malformed Packet]") ' +
      'and dissects no option after it, so it shows neither option 60 nor the vendor class. We decode every ' +
      'option and record the overrun as an anomaly (the scenario is about exactly this option 43).';
    const overrun = (o: Ours) => o.record.dhcp?.anomalies.includes('option 43 sub-option 48 runs past the end') ?? false;
    return [
      {
        capture,
        field: 'dhcp.options',
        why,
        accept: (d, ours) => {
          const t = d.tshark as { code: number }[];
          const o = d.ours as { code: number }[];
          return (
            o.length > t.length &&
            t[t.length - 1]?.code === 43 &&
            JSON.stringify(o.slice(0, t.length)) === JSON.stringify(t) &&
            o.slice(t.length).some((x) => x.code === 60) &&
            overrun(ours)
          );
        },
      },
      { capture, field: 'dhcp.vendorClass', why, accept: (d, ours) => d.tshark === undefined && d.ours === 'PXEClient' && overrun(ours) },
    ];
  }),
  {
    capture: '*',
    field: 'dhcp.userClass',
    why:
      "iPXE sends option 77 as the raw bytes \"iPXE\" instead of RFC 3004's length-prefixed list; " +
      'tshark 4.0 only understands the RFC form and shows no user class. We decode both forms.',
    accept: (d) => d.tshark === undefined && JSON.stringify(d.ours) === '["iPXE"]',
  },
];

/**
 * Captures tshark reads but our readers do not, by design: docs/capture.md lists pcap, pcapng and gzip.
 * Sun snoop (solaris.snoop) is rejected with a clear "not a capture" error.
 */
const UNREADABLE_BY_DESIGN = new Map([['fixtures/public/PcapPlusPlus/solaris.snoop', 'Sun snoop format is not pcap/pcapng']]);

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((e) => (statSync(join(dir, e)).isDirectory() ? walk(join(dir, e)) : /\.json(\.gz)?$/.test(e) ? [join(dir, e)] : []));
}

/** Same selection as scripts/golden-tshark.mjs. */
function listCaptures(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? listCaptures(p) : /\.(pcap|pcapng|cap|snoop|pcap\.gz|pcapng\.gz)$/i.test(e) ? [p] : [];
  });
}

const goldens: Golden[] = walk(goldenRoot).map((f) => {
  const raw = readFileSync(f);
  return JSON.parse((f.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as Golden;
});
const used = new Set<KnownDifference>();

describe('decode agrees with tshark on every DHCP/TFTP/ICMP-unreachable frame', () => {
  it('has a golden file for every capture in fixtures/public, fixtures/captures and test/golden/captures', () => {
    // A capture without one is not compared: rerun `node scripts/golden-tshark.mjs` after adding it.
    const captures = ['fixtures/public', 'fixtures/captures', 'test/golden/captures'].flatMap((d) => listCaptures(join(root, d))).map((p) => relative(root, p));
    const have = new Set(goldens.map((g) => g.capture));
    expect(captures.filter((c) => !have.has(c))).toEqual([]);
    expect(goldens.length).toBeGreaterThanOrEqual(48);
    expect(goldens.reduce((n, g) => n + g.frames.length, 0)).toBeGreaterThan(11000);
  });

  for (const golden of goldens) {
    it(golden.capture, async () => {
      const path = join(root, golden.capture);
      const unreadable = UNREADABLE_BY_DESIGN.get(golden.capture);
      if (unreadable) {
        await expect(readCapture(path, { frame() {} })).rejects.toBeInstanceOf(CaptureFormatError);
        return;
      }
      const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
      expect(sha256, `${golden.capture} changed since its golden was written: rerun node scripts/golden-tshark.mjs`).toBe(golden.sha256);
      const { diffs, ours } = await diffCapture(path, golden);
      const byFrame = new Map(golden.frames.map((g) => [g.frame, g]));
      const unexplained = diffs.filter((d) => {
        const g = byFrame.get(d.frame);
        const o = ours.get(d.frame);
        const k = KNOWN_DIFFERENCES.find(
          (k) =>
            (k.capture === golden.capture || k.capture === '*') &&
            (k.frames === undefined || k.frames.includes(d.frame)) &&
            fieldMatches(k.field, d.field) &&
            g !== undefined &&
            o !== undefined &&
            k.accept(d, o, g),
        );
        if (k) used.add(k);
        return !k;
      });
      expect(unexplained.map(describeDifference)).toEqual([]);
      // The frame sets are equal (also checked in diffs): same count both sides.
      expect(ours.size).toBe(golden.frames.length);
    });
  }

  it('every known difference still occurs (no stale exceptions)', () => {
    const stale = KNOWN_DIFFERENCES.filter((k) => !used.has(k) && (k.capture === '*' || goldens.some((g) => g.capture === k.capture)));
    expect(stale.map((k) => `${k.capture} ${k.field}`)).toEqual([]);
  });
});
