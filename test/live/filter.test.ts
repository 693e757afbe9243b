/**
 * The live capture filter, checked with the real tools: tcpdump applies it to every public fixture
 * capture (`tcpdump -r FILE -w - FILTER`) and the frames it keeps must be exactly the frames tshark
 * dissects as DHCP/BOOTP, TFTP (including the data between ephemeral ports, which tshark follows
 * from the RRQ), ICMP unreachable, ARP or a spanning-tree BPDU — nothing the analysis needs is dropped, nothing else kept.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureParser } from '../../src/capture/parser.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { BOOT_TRAFFIC_FILTER, buildCaptureFilter } from '../../src/live/filter.js';
import { REPO, haveTool } from './lab.js';

const FIXTURES = join(REPO, 'fixtures', 'public');
const toolsMissing = !process.env.CI && (!haveTool('tcpdump') || !haveTool('tshark'));

function captures(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...captures(p));
    else if (/\.(pcap|pcapng)$/.test(name)) out.push(p);
  }
  return out;
}

/**
 * Every frame of a capture as "epoch-µs length" (frames are identified by time and size across the
 * two tools), and whether tshark dissects it as boot traffic.
 */
function frames(file: string): { key: string; boot: boolean }[] {
  const args = ['-r', file, '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.protocols', '-e', 'icmp.type'];
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [t, len, protocols = '', icmpType] = l.split('\t');
      const layers = protocols.split(':');
      // icmp.type is the outer ICMP header's (first occurrence); 3 = destination unreachable.
      const boot = layers.includes('dhcp') || layers.includes('dhcpv6') || layers.includes('tftp') || (layers.includes('icmp') && icmpType === '3') || layers.includes('arp') || layers.includes('stp');
      return { key: `${microseconds(t ?? '')} ${len}`, boot };
    });
}

/** "1456640678.050080459" -> 1456640678050080 (half up, as the capture parser rounds ns). */
function microseconds(epoch: string): string {
  const [sec = '0', frac = ''] = epoch.split('.');
  const ns = BigInt(sec) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9));
  return String((ns + 500n) / 1000n);
}

/** The frames of a capture as read by the project's own streaming parser (no second tshark run). */
function parsedKeys(file: string): string[] {
  const keys: string[] = [];
  const parser = new CaptureParser({ frame: (f) => void keys.push(`${Math.round(f.ts * 1e6)} ${f.origLen}`) });
  parser.push(readFileSync(file));
  parser.end();
  return keys;
}

/**
 * Fixtures with TFTP (data between ephemeral ports), other link types (raw IP, Linux cooked, BSD
 * loopback) and mixed traffic (ARP, IPv6, DHCPv6, DNS, HTTP, ICMP echo) that the filter must drop.
 */
const SELECTED = [
  'PcapPlusPlus/raw_ip.pcap',
  'PcapPlusPlus/sll.pcap',
  'ipfixprobe/mixed.pcap',
  'libslirp/tftp_capture.pcap',
  'nDPI/tftp.pcap',
  'netboot/nsec.pcap',
  'spicy-tftp/tftp_oack.pcap',
  'spicy-tftp/tftp_rrq.pcap',
  'spicy-tftp/tftp_wrq.pcap',
  'tcpdump/dhcp-rfc4388.pcap',
  'tcpdump/dhcpv4v6-rfc5970-rfc8572.pcap',
  'tcpdump/tftp.pcap',
  'zeek/dhcp.pcap',
];

function linkType(file: string): number {
  const r = spawnSync('tshark', ['-r', file, '-c', '1', '-T', 'fields', '-e', 'frame.encap_type'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

describe('live capture filter', () => {
  it('and-s the user expression in front of the boot filter, and leaves out vlan where tags cannot exist', () => {
    const withVlan = buildCaptureFilter('host 192.0.2.9');
    expect(withVlan.startsWith('(host 192.0.2.9) and (')).toBe(true);
    expect(withVlan).toContain(`(vlan and (${BOOT_TRAFFIC_FILTER}))`);
    expect(buildCaptureFilter(undefined, { vlan: false })).toBe(BOOT_TRAFFIC_FILTER);
    expect(buildCaptureFilter('  ', { vlan: false })).toBe(BOOT_TRAFFIC_FILTER);
  });

  it.skipIf(toolsMissing)('keeps exactly the DHCP, TFTP and ICMP-unreachable frames of real captures', () => {
    const all = captures(FIXTURES).map((f) => relative(FIXTURES, f));
    const files = SELECTED.filter((f) => all.includes(f)).map((f) => join(FIXTURES, f));
    expect(files.length).toBe(SELECTED.length);
    const tmp = mkdtempSync(join(tmpdir(), 'pxv-filter-'));
    const out = join(tmp, 'filtered.pcap');
    let kept = 0;
    let total = 0;
    for (const file of files) {
      // tshark's Wireshark encapsulation 1 = Ethernet: only there may the vlan branch be compiled.
      const filter = buildCaptureFilter(undefined, { vlan: linkType(file) === 1 });
      // Nanosecond precision in and out, so frames keep their exact timestamps as keys.
      const td = spawnSync('tcpdump', ['--time-stamp-precision=nano', '-r', file, '-w', out, filter], { timeout: 60_000, encoding: 'utf8' });
      expect(td.status, `${relative(REPO, file)}: ${td.stderr}`).toBe(0);
      const filtered = parsedKeys(out);
      const original = frames(file);
      const wanted = original.filter((f) => f.boot).map((f) => f.key);
      expect(filtered, relative(REPO, file)).toEqual(wanted);
      kept += filtered.length;
      total += original.length;
    }
    rmSync(tmp, { recursive: true, force: true });
    // The fixtures include mixed traffic (ARP, IPv6, DNS, HTTP, ICMP echo): some must be dropped.
    expect(kept).toBeLessThan(total);
  });

  it.skipIf(toolsMissing)('keeps the same frames when they arrive in an 802.1Q tag (mirror port of a trunk)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'pxv-vlan-'));
    try {
      for (const rel of ['ipfixprobe/mixed.pcap', 'nDPI/tftp.pcap']) {
        const file = join(FIXTURES, rel);
        // The same Ethernet frames with a VLAN 10 tag inserted after the MAC addresses.
        const tagged = join(tmp, 'tagged.pcap');
        const writer = new PcapWriter(tagged, 1);
        const parser = new CaptureParser({
          frame: (f) => {
            const d = new Uint8Array(f.data.length + 4);
            d.set(f.data.subarray(0, 12), 0);
            d.set([0x81, 0x00, 0x00, 0x0a], 12);
            d.set(f.data.subarray(12), 16);
            writer.write(f.ts, d, f.origLen + 4);
          },
        });
        parser.push(readFileSync(file));
        parser.end();
        await writer.close();
        expect(frames(tagged).filter((f) => f.boot).length, rel).toBeGreaterThan(0);

        const out = join(tmp, 'filtered.pcap');
        const td = spawnSync('tcpdump', ['-r', tagged, '-w', out, buildCaptureFilter(undefined, { vlan: true })], { timeout: 60_000, encoding: 'utf8' });
        expect(td.status, td.stderr).toBe(0);
        const wanted = frames(file).filter((f) => f.boot).map((f) => f.key.replace(/ (\d+)$/, (_, n: string) => ` ${Number(n) + 4}`));
        expect(parsedKeys(out), rel).toEqual(wanted);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
