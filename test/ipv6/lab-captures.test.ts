/**
 * End-to-end on the IPv6 / HTTP boot lab captures (fixtures/lab/v6-http.sh: real OVMF firmware
 * against dnsmasq, isc-dhcpd -6 and python3 http.server in pxk-* namespaces), through the BUILT
 * CLI: `analyze --json` must show each boot method the firmware tried, in order, with the outcome
 * the scenario's .md describes, the findings with their evidence frames, and `decode --json` the
 * DHCPv6 and HTTP records.
 */
import { describe, it, expect } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import type { AnalysisJson, ClientJson } from '../../src/report/schema.js';
import type { DecodeRecord } from '../../src/report/decode-line.js';

const MAC = '52:54:00:ef:00:01';

function analyze(name: string): { json: AnalysisJson; client: ClientJson } {
  const r = runCli(['analyze', '--json', `fixtures/captures/${name}.pcap`]);
  expect(r.stderr).toBe('');
  const json = JSON.parse(r.stdout) as AnalysisJson;
  return { json, client: json.clients.find((c) => c.mac === MAC)! };
}

function decode(name: string): DecodeRecord[] {
  const r = runCli(['decode', '--json', `fixtures/captures/${name}.pcap`]);
  expect(r.code).toBe(0);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as DecodeRecord);
}

const methodsOf = (c: ClientJson): [string, string][] => (c.methods ?? []).map((m) => [m.method, m.outcome]);

describe('IPv6 / HTTP boot lab captures (built CLI)', () => {
  it('http-ok-uefi: PXEv4, PXEv6 fail on missing TFTP files; HTTPv4 and HTTPv6 download boot.efi completely', () => {
    const { json, client } = analyze('http-ok-uefi');
    expect(json.clients).toHaveLength(1);
    expect(methodsOf(client)).toEqual([
      ['PXEv4', 'download-failed'],
      ['PXEv6', 'download-failed'],
      ['HTTPv4', 'booted'],
      ['HTTPv6', 'booted'],
    ]);
    expect(client.ok).toBe(true);
    expect(client.closestMethod).toBe('HTTPv4');
    const [pxe4, pxe6, http4, http6] = client.methods!;
    expect(pxe4!.bootFile).toBe('missing.efi');
    expect(pxe6!.bootFile).toBe('tftp://[2001:db8:1::1]/missing6.efi');
    expect(http4!).toMatchObject({ bootFile: 'http://192.0.2.1:8080/boot.efi', detail: 'GET /boot.efi: 200 OK, 171456 bytes' });
    expect(http6!).toMatchObject({ bootFile: 'http://[2001:db8:1::1]:8080/boot.efi', detail: 'GET /boot.efi: 200 OK, 171456 bytes' });
    // The firmware tries them one after the other.
    expect(client.methods!.map((m) => m.firstFrame)).toEqual([...client.methods!.map((m) => m.firstFrame)].sort((a, b) => a - b));
    expect(json.findings.map((f) => f.id).sort()).toEqual(['tftp-file-not-found', 'tftp-file-not-found']);
    // The PXEv6 TFTP error is over IPv6.
    expect(json.findings.find((f) => f.title.includes('missing6.efi'))?.title).toContain('2001:db8:1::1');
  });

  it('v6-http-fail-uefi: one finding per method, each with its evidence', () => {
    const { json, client } = analyze('v6-http-fail-uefi');
    expect(methodsOf(client)).toEqual([
      ['PXEv4', 'download-failed'],
      ['PXEv6', 'no-boot-file'],
      ['HTTPv4', 'download-failed'],
      ['HTTPv6', 'no-boot-file'],
    ]);
    expect(client.ok).toBe(false);
    const byId = new Map(json.findings.map((f) => [f.id, f]));
    expect([...byId.keys()].sort()).toEqual(['http-boot-fetch-failed', 'http-boot-no-url', 'pxe6-no-bootfile-url', 'tftp-file-not-found']);
    for (const f of json.findings) expect(f.severity).toBe('error');
    expect(byId.get('http-boot-fetch-failed')!.title).toBe('HTTP boot over IPv4: fetching http://192.0.2.1:8080/missing.efi failed (HTTP 404)');
    expect(byId.get('http-boot-no-url')!.title).toContain('HTTP boot over IPv6');
    expect(byId.get('pxe6-no-bootfile-url')!.firmwareMessage).toBe('PXE-E16');
    // Evidence frames are the DHCPv6 / HTTP frames decode shows.
    const recs = new Map(decode('v6-http-fail-uefi').map((r) => [r.frame, r]));
    const pxe6 = byId.get('pxe6-no-bootfile-url')!;
    expect(pxe6.frames.map((n) => recs.get(n)?.dhcp6?.msgTypeName)).toEqual(['SOLICIT', 'ADVERTISE', 'ADVERTISE', 'REPLY']);
    for (const n of pxe6.frames.slice(1)) expect(recs.get(n)?.dhcp6?.bootfileUrl).toBeUndefined();
    const fetch = byId.get('http-boot-fetch-failed')!;
    expect(fetch.frames.map((n) => recs.get(n)?.http?.type)).toEqual(['request', 'response', undefined]);
    expect(recs.get(fetch.frames[1]!)?.http).toMatchObject({ status: 404 });
    // dnsmasq's option 16 is there, but not a vendor class EDK2 accepts (no enterprise number).
    const adv = [...recs.values()].find((r) => r.dhcp6?.msgType === 2 && r.dhcp6.bootfileUrl?.startsWith('http://'))!;
    expect(adv.dhcp6!.options.find((o) => o.code === 16)).toMatchObject({ name: 'vendor-class', length: 49 });
    expect(adv.dhcp6!.vendorClass).not.toBe('HTTPClient');
  });

  it('http-fail-no-option60: the HTTPv4 offer has the URL but not option 60 HTTPClient', () => {
    const { json, client } = analyze('http-fail-no-option60');
    expect(methodsOf(client)).toEqual([
      ['PXEv4', 'download-failed'],
      ['PXEv6', 'download-failed'],
      ['HTTPv4', 'no-boot-file'],
      ['HTTPv6', 'no-boot-file'],
    ]);
    const noUrl = json.findings.filter((f) => f.id === 'http-boot-no-url');
    expect(noUrl.map((f) => f.title)).toEqual([
      'HTTP boot over IPv4: URL http://192.0.2.1:8080/boot.efi offered without option 60 "HTTPClient": the firmware ignores the offer',
      'HTTP boot over IPv6: DHCPv6 answered without a boot file URL (option 59)',
    ]);
    // The firmware never opened a TCP connection: no HTTP record at all.
    expect(decode('http-fail-no-option60').filter((r) => r.tcp !== undefined)).toEqual([]);
  });

  it('decode --json: dhcp6 objects on the OVMF PXEv6 Solicit and HTTP heads on the GET', () => {
    const recs = decode('http-ok-uefi');
    const sol = recs.find((r) => r.dhcp6?.msgType === 1)!;
    expect(sol).toMatchObject({ ipVersion: 6, sport: 546, dport: 547, dst: 'ff02::1:2', src: 'fe80::5054:ff:feef:1' });
    expect(sol.dhcp6).toMatchObject({
      msgTypeName: 'SOLICIT',
      clientId: { type: 4, uuid: '2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b' },
      clientArch: [7],
      vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
      nii: { type: 1, major: 3, minor: 0 },
    });
    expect(sol.dhcp6!.options.map((o) => o.name)).toContain('client-arch-type');
    const gets = recs.filter((r) => r.http?.type === 'request' && r.http.method === 'GET');
    expect(gets.map((r) => [r.ipVersion ?? 4, r.dst, r.dport])).toEqual([
      [4, '192.0.2.1', 8080],
      [6, '2001:db8:1::1', 8080],
    ]);
    const oks = recs.filter((r) => r.http?.type === 'response');
    expect(oks.every((r) => r.http?.type === 'response' && r.http.status === 200 && r.http.contentLength === 171456)).toBe(true);
  });
});
