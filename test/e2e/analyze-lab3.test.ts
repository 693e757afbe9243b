/**
 * End to end: the BUILT CLI on the third set of lab captures (real OVMF/EDK2 and SeaBIOS+iPXE
 * against real isc-dhcpd, dnsmasq and tftpd-hpa; fixtures/lab/scenarios.sh, docs/lab.md): the
 * rules pxe-option43-malformed, proxy-offer-ignored and proxy-offer-missing-option60, which had
 * only seen built packet sequences before, checked on what real firmware does. Evidence frames are
 * cross-checked with tshark (the oracle) when it is installed, and always in CI.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisJson } from '../../src/report/schema.js';
import { analyzeCli, hasTshark, lab, present, root, tsharkFields, tsharkFrames } from '../helpers/analyze-cli.js';

const analyze = analyzeCli;
const byFrame = (a: number, b: number) => a - b;

describe('pxe-doctor analyze (built CLI) on the third set of lab captures', () => {
  it('is built', () => {
    expect(existsSync(join(root, 'dist/cli/commands/analyze.js'))).toBe(true);
  });

  present('ok-option43-hex-text-bios.pcap')('ok-option43-hex-text-bios: option 43 typed as text; iPXE boots anyway, pxe-option43-malformed warns', () => {
    const file = lab('ok-option43-hex-text-bios.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(0);
    expect(json.findings.map((f) => [f.id, f.severity])).toEqual([['pxe-option43-malformed', 'warning']]);
    const f = json.findings[0]!;
    expect(f.title).toBe('Option 43 from 192.0.2.1 is not valid PXE sub-options (option 43 sub-option 48 runs past the end)');
    expect(f.firmwareMessage).toBeUndefined();
    const c = json.clients[0]!;
    expect([c.ok, c.stage, c.bootFile, c.bootServer]).toEqual([true, 'second-stage', 'pxelinux.0', '192.0.2.2']);
    if (hasTshark) {
      // The oracle agrees: the option is the six ASCII bytes "060108" and tshark calls the replies malformed.
      const replies = tsharkFrames(file, 'ip.src == 192.0.2.1 && (dhcp.option.dhcp == 2 || dhcp.option.dhcp == 5)');
      expect(tsharkFrames(file, 'dhcp && _ws.malformed')).toEqual(replies);
      expect(tsharkFields(file, 'dhcp.option.dhcp == 2', ['dhcp.option.value'])[0]![0]!.split(',')).toContain('303630313038');
      expect(f.frames).toEqual([replies[0]]);
      // iPXE used siaddr + file and never asked on port 4011.
      expect(tsharkFrames(file, 'udp.port == 4011')).toEqual([]);
    }
  });

  present('fail-option43-hex-text-uefi.pcap')('fail-option43-hex-text-uefi: the same option 43; EDK2 asks siaddr on 4011, nobody answers: both findings are errors', () => {
    const file = lab('fail-option43-hex-text-uefi.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.map((f) => [f.id, f.severity])).toEqual([
      ['pxe-option43-malformed', 'error'],
      ['proxy-request-unanswered', 'error'],
    ]);
    const [malformed, unanswered] = json.findings as [AnalysisJson['findings'][number], AnalysisJson['findings'][number]];
    expect(malformed.title).toBe('Option 43 from 192.0.2.1 is not valid PXE sub-options (option 43 sub-option 48 runs past the end)');
    expect(unanswered.title).toBe('Boot server 192.0.2.2 does not answer on UDP 4011 (4 requests, ICMP port unreachable)');
    const c = json.clients[0]!;
    expect([c.ok, c.stage, c.bootFile, c.bootServer, c.transfers]).toEqual([false, 'bound', 'efi64/syslinux.efi', '192.0.2.2', []]);
    if (hasTshark) {
      expect(malformed.frames).toEqual([tsharkFrames(file, 'dhcp.option.dhcp == 2')[0]]);
      // Four BINL requests from port 4011 to siaddr 192.0.2.2, each answered by ICMP port unreachable.
      const requests = tsharkFields(file, 'udp.dstport == 4011 && !icmp', ['frame.number', 'udp.srcport', 'ip.dst']);
      expect(requests.map((r) => r.slice(1))).toEqual(Array.from({ length: 4 }, () => ['4011', '192.0.2.2']));
      const icmp = tsharkFrames(file, 'icmp.type == 3 && icmp.code == 3');
      expect(icmp).toHaveLength(4);
      const evidence = [...requests.map((r) => Number(r[0])), ...icmp].sort(byFrame);
      for (const frame of unanswered.frames) expect(evidence).toContain(frame);
      expect(unanswered.frames[0]).toBe(Number(requests[0]![0]));
      expect(tsharkFrames(file, 'tftp')).toEqual([]);
    }
  });

  present('fail-proxy-offer-late-bios.pcap')('fail-proxy-offer-late-bios: the proxy offer comes after the ACK; proxy-offer-ignored, nothing else', () => {
    const file = lab('fail-proxy-offer-late-bios.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.map((f) => [f.id, f.severity])).toEqual([['proxy-offer-ignored', 'error']]);
    const f = json.findings[0]!;
    expect(f.title).toBe('Client took an address but never used the proxy offer from 192.0.2.2');
    expect(f.cause).toContain('The proxy offer came 5.0 s after the first DISCOVER');
    expect(f.firmwareMessage).toBeUndefined();
    const c = json.clients[0]!;
    expect([c.ok, c.stage, c.bootFile ?? null]).toEqual([false, 'bound', null]);
    expect(c.offers.filter((o) => o.kind === 'proxy').map((o) => o.server)).toEqual(['192.0.2.2', '192.0.2.2', '192.0.2.2', '192.0.2.2']);
    if (hasTshark) {
      const ack = tsharkFrames(file, 'dhcp.option.dhcp == 5 && ip.src == 192.0.2.1')[0]!;
      const proxy = tsharkFrames(file, 'dhcp.option.dhcp == 2 && ip.src == 192.0.2.2 && dhcp.ip.your == 0.0.0.0')[0]!;
      // The client had bound before the first proxy offer arrived.
      expect(ack).toBeLessThan(proxy);
      expect([...f.frames].sort(byFrame)).toEqual([ack, proxy]);
      expect(tsharkFrames(file, 'udp.port == 4011 || tftp')).toEqual([]);
    }
  });

  present('fail-proxy-option60-not-pxeclient-bios.pcap')('fail-proxy-option60-not-pxeclient-bios: dnsmasq answers option 60 "PXE"; proxy-offer-missing-option60', () => {
    const file = lab('fail-proxy-option60-not-pxeclient-bios.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    const f = json.findings.find((x) => x.id === 'proxy-offer-missing-option60')!;
    expect([f.severity, f.title]).toEqual(['error', 'Proxy offer from 192.0.2.2 has no option 60 "PXEClient": firmware ignores it']);
    expect(f.cause).toContain('option 60 "PXE"');
    // To the firmware these are no proxy offers: none of the rules about proxy offers it got apply.
    expect(json.findings.map((x) => x.id)).not.toContain('proxy-offer-ignored');
    expect(json.findings.map((x) => x.id)).not.toContain('multiple-boot-servers');
    const c = json.clients[0]!;
    expect([c.ok, c.stage]).toEqual([false, 'bound']);
    expect(c.offers.filter((o) => o.server === '192.0.2.2').map((o) => o.kind)).toEqual(['proxy-no-option60', 'proxy-no-option60']);
    if (hasTshark) {
      const proxy = tsharkFields(file, 'ip.src == 192.0.2.2 && dhcp', ['frame.number', 'dhcp.ip.your', 'dhcp.option.vendor_class_id']);
      expect(proxy.map((r) => r.slice(1))).toEqual([
        ['0.0.0.0', 'PXE'],
        ['0.0.0.0', 'PXE'],
      ]);
      expect(f.frames).toEqual([Number(proxy[0]![0])]);
      expect(tsharkFrames(file, 'udp.port == 4011 || tftp')).toEqual([]);
    }
  });

  present('fail-proxy-option60-not-pxeclient-uefi.pcap')('fail-proxy-option60-not-pxeclient-uefi: EDK2 takes no offer and re-DISCOVERs; proxy-offer-missing-option60', () => {
    const file = lab('fail-proxy-option60-not-pxeclient-uefi.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    const f = json.findings.find((x) => x.id === 'proxy-offer-missing-option60')!;
    expect([f.severity, f.title]).toEqual(['error', 'Proxy offer from 192.0.2.2 has no option 60 "PXEClient": firmware ignores it']);
    expect(json.findings.map((x) => x.id)).not.toContain('proxy-offer-ignored');
    const c = json.clients[0]!;
    expect([c.ok, c.stage]).toEqual([false, 'offer']);
    // dnsmasq's offer for x64 UEFI: siaddr = itself, no file, no option 43.
    expect(c.offers.filter((o) => o.server === '192.0.2.2').map((o) => [o.kind, o.bootServer])).toEqual(
      Array.from({ length: 4 }, () => ['proxy-no-option60', '192.0.2.2']),
    );
    if (hasTshark) {
      const proxy = tsharkFields(file, 'ip.src == 192.0.2.2 && dhcp', ['frame.number', 'dhcp.ip.server', 'dhcp.option.vendor_class_id', 'dhcp.option.type']);
      expect(proxy).toHaveLength(4);
      for (const r of proxy) expect(r.slice(1)).toEqual(['192.0.2.2', 'PXE', '53,54,60,97,0']);
      expect(f.frames).toEqual([Number(proxy[0]![0])]);
      expect(tsharkFrames(file, 'dhcp.option.dhcp == 1')).toHaveLength(4);
      expect(tsharkFrames(file, 'dhcp.option.dhcp == 3 || udp.port == 4011 || tftp')).toEqual([]);
    }
  });
});
