/**
 * The boot-chain rules on exchanges built from real codec bytes (encodeDhcp /
 * encodeTftp in Ethernet/IPv4/UDP, test/exchange/scenario.ts), dissected and analyzed by the real
 * pipeline. The lab captures (fixtures/captures, checked by their .expect.yaml and
 * chain-invariant.test.ts) cover iPXE, shim and GRUB with real binaries; no WDS/ConfigMgr server
 * can run here, so the WDS sequences below are built with the project's codecs from the documented
 * file names and behaviour (wdsnbp.com, pxeboot.n12, bootmgr.exe, \Boot\BCD, boot.sdi, boot.wim;
 * ConfigMgr's smsboot\x64\abortpxe.com).
 */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids, type ClientSpec, type Host } from '../exchange/scenario.js';
import { pe64Head } from '../exchange/pe-head.js';
import { clientVerdict as verdict } from '../../src/report/verdict.js';
import { encodeDns } from '../../src/decode/dns.js';

const dhcpSrv: Host = { mac: '02:00:00:00:01:01', ip: '192.0.2.1' };
const uefi: ClientSpec = { mac: '52:54:00:ef:00:01', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000' };
const uefiHost: Host = { mac: uefi.mac, ip: '192.0.2.100' };
const bios: ClientSpec = { mac: '52:54:00:be:00:01', arch: [0] };
const biosHost: Host = { mac: bios.mac, ip: '192.0.2.101' };
const other: ClientSpec = { mac: '52:54:00:00:00:99', arch: [0] };

const SIGNED = pe64Head(1472, 0x10000);
const UNSIGNED = pe64Head(0, 0x10000);

/** Something else on the wire `seconds` later, so the capture goes on after the client stopped. */
function later(s: Scenario, seconds: number): void {
  s.wait(seconds);
  s.discover(other, 0x999);
}

function client(a: ReturnType<Scenario['run']>, mac: string) {
  return a.clients.find((c) => c.mac === mac)!;
}

function errorsOf(a: ReturnType<Scenario['run']>, mac: string): string[] {
  return a.findings.filter((f) => f.client === mac && f.severity === 'error').map((f) => f.id);
}

/** UEFI: DHCP with file efi/shimx64.efi, signed shim downloaded, shim's optional probes missing. */
function shimStart(s: Scenario): void {
  s.dora(uefi, dhcpSrv, 0x10, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'efi/shimx64.efi' });
  s.tftpRead(uefiHost, dhcpSrv, 'efi/shimx64.efi', 70000, { head: SIGNED });
  s.wait(0.5);
  s.tftpError(uefiHost, dhcpSrv, 'efi/revocations.efi', 1, 'File not found', 3001);
  s.tftpError(uefiHost, dhcpSrv, 'efi/mmx64.efi', 1, 'File not found', 3002);
}

describe('shim and GRUB', () => {
  it('signed shim, grubx64.efi, GRUB finds grub.cfg after its normal misses: OK, no error, last stage grub-config', () => {
    const s = new Scenario();
    shimStart(s);
    s.tftpRead(uefiHost, dhcpSrv, 'efi/grubx64.efi', 90000, { head: SIGNED });
    s.wait(1);
    s.tftpError(uefiHost, dhcpSrv, '/grub/x86_64-efi/command.lst', 1, 'File not found', 3003);
    s.tftpError(uefiHost, dhcpSrv, '/grub/grub.cfg-01-52-54-00-ef-00-01', 1, 'File not found', 3004);
    s.tftpRead(uefiHost, dhcpSrv, '/grub/grub.cfg', 300);
    const a = s.run();
    const c = client(a, uefi.mac);
    expect(errorsOf(a, uefi.mac)).toEqual([]);
    expect(c.ok).toBe(true);
    expect(c.chain?.map((x) => [x.kind, x.status])).toEqual([['firmware-dhcp', 'ok'], ['nbp', 'ok'], ['shim', 'ok'], ['grub-config', 'ok']]);
    expect(c.chain?.[1]).toMatchObject({ loader: 'shim', probes: 2 });
    expect(c.lastStage).toMatchObject({ kind: 'grub-config', status: 'ok', probes: 2 });
    expect(c.transfers.find((t) => t.file === 'efi/shimx64.efi')?.signed).toBe(true);
  });

  it('shim whose grubx64.efi is missing: shim-second-stage-missing (not tftp-file-not-found, not its probes)', () => {
    const s = new Scenario();
    shimStart(s);
    const miss = s.tftpError(uefiHost, dhcpSrv, 'efi/grubx64.efi', 1, 'File not found', 3005);
    later(s, 12);
    const a = s.run();
    expect(errorsOf(a, uefi.mac)).toEqual(['shim-second-stage-missing']);
    const f = a.findings.find((x) => x.id === 'shim-second-stage-missing')!;
    expect(f.frames).toEqual(expect.arrayContaining([miss.rrq, miss.error]));
    expect(f.title).toContain('efi/grubx64.efi');
    expect(client(a, uefi.mac)).toMatchObject({ ok: false, lastStage: { kind: 'shim', status: 'failed', failure: 'second-stage-missing' } });
  });

  it('shim asking for a garbage second-stage name (firmware load-path bug): shim-second-stage-missing, not option 67, not its probes', () => {
    const s = new Scenario();
    shimStart(s);
    s.tftpError(uefiHost, dhcpSrv, 'efi/\u0001\u00ff\u0010x.efi', 1, 'File not found', 3008);
    later(s, 12);
    const a = s.run();
    expect(errorsOf(a, uefi.mac)).toEqual(['shim-second-stage-missing']);
    expect(a.findings.find((x) => x.id === 'shim-second-stage-missing')!.cause).toContain('unprintable');
    expect(ids(a)).not.toContain('bootfile-name-garbage');
  });

  it('GRUB with no grub.cfg anywhere: grub-no-config naming the search', () => {
    const s = new Scenario();
    shimStart(s);
    s.tftpRead(uefiHost, dhcpSrv, 'efi/grubx64.efi', 90000, { head: SIGNED });
    s.tftpError(uefiHost, dhcpSrv, '/grub/x86_64-efi/command.lst', 1, 'File not found', 3003);
    s.tftpError(uefiHost, dhcpSrv, '/grub/grub.cfg-01-52-54-00-ef-00-01', 1, 'File not found', 3004);
    s.tftpError(uefiHost, dhcpSrv, '/grub/grub.cfg-C0000264', 1, 'File not found', 3006);
    const last = s.tftpError(uefiHost, dhcpSrv, '/grub/grub.cfg', 1, 'File not found', 3007);
    later(s, 15);
    const a = s.run();
    expect(errorsOf(a, uefi.mac)).toEqual(['grub-no-config']);
    const f = a.findings.find((x) => x.id === 'grub-no-config')!;
    expect(f.frames).toContain(last.error);
    expect(f.cause).toContain('/grub/grub.cfg');
    expect(verdict(client(a, uefi.mac), a.findings)).toBe('FAILED at grub-config: grub-no-config');
  });
});

describe('Secure Boot', () => {
  it('an unsigned EFI NBP after which the UEFI client goes silent: secure-boot-unsigned-nbp', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 0x20, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'boot/bootx64.efi' });
    const nbp = s.tftpRead(uefiHost, dhcpSrv, 'boot/bootx64.efi', 70000, { head: UNSIGNED });
    later(s, 20);
    const a = s.run();
    expect(errorsOf(a, uefi.mac)).toEqual(['secure-boot-unsigned-nbp']);
    expect(a.findings.find((x) => x.id === 'secure-boot-unsigned-nbp')!.frames).toContain(nbp.rrq);
    expect(client(a, uefi.mac).lastStage).toMatchObject({ kind: 'nbp', status: 'failed', failure: 'unsigned-under-secure-boot' });
  });

  it('a signed NBP that then goes silent is not blamed on Secure Boot: a warning that lists what the capture cannot tell', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 0x21, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'boot/bootx64.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'boot/bootx64.efi', 70000, { head: SIGNED });
    later(s, 20);
    const a = s.run();
    expect(errorsOf(a, uefi.mac)).toEqual([]);
    const w = a.findings.find((x) => x.id === 'nbp-then-silence')!;
    expect(w.severity).toBe('warning');
    expect(w.cause).toContain('signed');
    expect(client(a, uefi.mac).ok).toBe(true);
  });

  it('an unsigned NBP that does run (asks for more files) is fine', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 0x22, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'efi64/syslinux.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'efi64/syslinux.efi', 70000, { head: UNSIGNED });
    s.tftpRead(uefiHost, dhcpSrv, 'efi64/ldlinux.e64', 5000);
    s.tftpRead(uefiHost, dhcpSrv, 'efi64/pxelinux.cfg/default', 200);
    s.tftpRead(uefiHost, dhcpSrv, 'efi64/vmlinuz', 9000);
    const a = s.run();
    expect(errorsOf(a, uefi.mac)).toEqual([]);
    expect(client(a, uefi.mac)).toMatchObject({ ok: true, lastStage: { kind: 'kernel', status: 'ok' } });
  });
});

describe('iPXE', () => {
  it("iPXE's own DHCP unanswered after the chainload: ipxe-dhcp-unanswered; cut short by the capture: capture ended, no error", () => {
    const build = (discovers: number, quiet: number) => {
      const s = new Scenario();
      s.dora(bios, dhcpSrv, 0x30, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'undionly.kpxe' });
      s.tftpRead(biosHost, dhcpSrv, 'undionly.kpxe', 70000, { head: biosHead() });
      s.wait(1);
      const ipxe = { ...bios, ipxe: true };
      for (let i = 0; i < discovers; i++) {
        s.discover(ipxe, 0x31);
        s.wait(2 ** i);
      }
      if (quiet > 0) later(s, quiet);
      return s.run();
    };
    const failed = build(4, 10);
    expect(errorsOf(failed, bios.mac)).toEqual(['ipxe-dhcp-unanswered']);
    expect(client(failed, bios.mac).lastStage).toMatchObject({ kind: 'ipxe-dhcp', status: 'failed', failure: 'dhcp-unanswered' });
    const cut = build(1, 0);
    const c = client(cut, bios.mac);
    expect(errorsOf(cut, bios.mac)).toEqual([]);
    expect(c.ok).toBe(false);
    expect(c.lastStage).toMatchObject({ kind: 'ipxe-dhcp', status: 'capture-ended' });
    expect(verdict(c, cut.findings)).toMatch(/^INCOMPLETE at ipxe-dhcp/);
  });
});

describe('loader-name-not-resolved', () => {
  const dnsSrv: Host = { mac: '02:00:00:00:05:01', ip: '192.0.2.53' };
  const lookup = (rcode: number, address?: string) => {
    const s = new Scenario();
    const ipxe = { ...bios, ipxe: true };
    s.dora(ipxe, dhcpSrv, 0x80, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'http://boot.example.org/boot.ipxe' });
    s.wait(1);
    const question = { name: 'boot.example.org', type: 1, class: 1 };
    const q = s.udp(biosHost, 5353, dnsSrv, 53, encodeDns({ id: 0x4242, recursionDesired: true, questions: [question] }));
    s.wait(0.01);
    const answers = address ? [{ name: question.name, type: 1, class: 1, ttl: 60, data: address }] : [];
    const r = s.udp(dnsSrv, 53, biosHost, 5353, encodeDns({ id: 0x4242, response: true, rcode, questions: [question], answers }));
    later(s, 10);
    return { a: s.run(), q, r };
  };
  it('NXDOMAIN for the host of the script URL: error naming the lookup; resolved: no finding', () => {
    const { a, q, r } = lookup(3);
    expect(errorsOf(a, bios.mac)).toEqual(['loader-name-not-resolved']);
    const f = a.findings.find((x) => x.id === 'loader-name-not-resolved')!;
    expect(f.frames).toEqual([q, r]);
    expect(f.cause).toContain('NXDOMAIN');
    expect(client(a, bios.mac).lastStage).toMatchObject({ kind: 'dns', name: 'boot.example.org', status: 'failed', failure: 'name-not-resolved' });
    const ok = lookup(0, '192.0.2.2').a;
    expect(ids(ok)).not.toContain('loader-name-not-resolved');
    expect(client(ok, bios.mac).chain?.find((x) => x.kind === 'dns')).toMatchObject({ status: 'ok', detail: 'boot.example.org = 192.0.2.2' });
  });
});

describe('ipxe-chainload-loop across stages', () => {
  it("iPXE's script chains the iPXE binary again, round after round", () => {
    const s = new Scenario();
    const ipxe = { ...bios, ipxe: true };
    const frames: number[] = [];
    for (let i = 0; i < 3; i++) {
      s.dora(ipxe, dhcpSrv, 0x70 + i, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot.ipxe' });
      s.tftpRead(biosHost, dhcpSrv, 'boot.ipxe', 100);
      frames.push(s.tftpRead(biosHost, dhcpSrv, 'undionly.kpxe', 70000, { head: biosHead() }).rrq);
      s.wait(2);
    }
    const a = s.run();
    const f = a.findings.find((x) => x.id === 'ipxe-chainload-loop')!;
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual(expect.arrayContaining(frames.slice(0, 2)));
    expect(client(a, bios.mac).ok).toBe(false);
  });
});

describe('loader files', () => {
  it('PXELINUX ran and its kernel is missing: loader-file-missing (the config search stays quiet)', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 0x40, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 40000, { head: biosHead() });
    s.tftpRead(biosHost, dhcpSrv, 'ldlinux.c32', 9000);
    s.tftpError(biosHost, dhcpSrv, 'pxelinux.cfg/01-52-54-00-be-00-01', 1, 'File not found', 3010);
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.cfg/default', 200);
    const miss = s.tftpError(biosHost, dhcpSrv, 'images/vmlinuz', 1, 'File not found', 3011);
    later(s, 10);
    const a = s.run();
    expect(errorsOf(a, bios.mac)).toEqual(['loader-file-missing']);
    const f = a.findings.find((x) => x.id === 'loader-file-missing')!;
    expect(f.frames).toEqual(expect.arrayContaining([miss.rrq, miss.error]));
    expect(f.title).toContain('kernel images/vmlinuz not found');
    expect(client(a, bios.mac).lastStage).toMatchObject({ kind: 'kernel', status: 'failed' });
  });
});

describe('WDS / ConfigMgr (sequences built with the codecs: no WDS server can run here)', () => {
  it('abortpxe.com from the boot server: wds-abort-pxe, a policy verdict, not a network fault', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 0x50, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'smsboot\\x64\\abortpxe.com' });
    s.tftpRead(biosHost, dhcpSrv, 'smsboot\\x64\\abortpxe.com', 400, { head: biosHead() });
    later(s, 5);
    const a = s.run();
    expect(errorsOf(a, bios.mac)).toEqual(['wds-abort-pxe']);
    const f = a.findings.find((x) => x.id === 'wds-abort-pxe')!;
    expect(f.cause).toContain('not a PXE fault');
    expect(f.firmwareMessage).toContain('PXE Boot aborted');
    expect(client(a, bios.mac).lastStage).toMatchObject({ kind: 'nbp', loader: 'wds-abort', failure: 'wds-abort' });
    expect(ids(a)).not.toContain('nbp-then-silence');
  });

  it('wdsnbp.com -> pxeboot.n12 -> bootmgr.exe -> BCD -> boot.sdi -> boot.wim: OK, last stage os; boot.wim missing: loader-file-missing', () => {
    const build = (wim: boolean) => {
      const s = new Scenario();
      s.dora(bios, dhcpSrv, 0x51, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot\\x64\\wdsnbp.com' });
      s.tftpRead(biosHost, dhcpSrv, 'boot\\x64\\wdsnbp.com', 30000, { head: biosHead() });
      s.tftpRead(biosHost, dhcpSrv, 'boot\\x64\\pxeboot.n12', 25000);
      s.tftpRead(biosHost, dhcpSrv, 'boot\\x64\\bootmgr.exe', 60000);
      s.tftpRead(biosHost, dhcpSrv, '\\Boot\\BCD', 16000);
      s.tftpRead(biosHost, dhcpSrv, '\\Boot\\boot.sdi', 30000);
      if (wim) s.tftpRead(biosHost, dhcpSrv, '\\sources\\boot.wim', 80000);
      else s.tftpError(biosHost, dhcpSrv, '\\sources\\boot.wim', 1, 'File not found', 3020);
      later(s, 10);
      return s.run();
    };
    const ok = build(true);
    expect(errorsOf(ok, bios.mac)).toEqual([]);
    expect(client(ok, bios.mac)).toMatchObject({ ok: true, lastStage: { kind: 'os', status: 'ok' } });
    expect(client(ok, bios.mac).chain?.map((x) => x.kind)).toEqual(['firmware-dhcp', 'nbp', 'wds', 'os']);
    const missing = build(false);
    expect(errorsOf(missing, bios.mac)).toEqual(['loader-file-missing']);
    expect(client(missing, bios.mac).lastStage).toMatchObject({ kind: 'os', status: 'failed', failure: 'not-found' });
  });
});

describe('benign probes never raise an error', () => {
  it('a Raspberry Pi asking for bootsig.bin and <serial>/ files before the root', () => {
    const pi: ClientSpec = { mac: 'b8:27:eb:00:00:01', arch: [0], vendorClass: 'PXEClient:Arch:00000:UNDI:002001' };
    const piHost: Host = { mac: pi.mac, ip: '192.0.2.120' };
    const s = new Scenario();
    s.dora(pi, dhcpSrv, 0x60, piHost.ip, { siaddr: dhcpSrv.ip, file: 'bootcode.bin' });
    s.tftpRead(piHost, dhcpSrv, 'bootcode.bin', 50000);
    s.tftpError(piHost, dhcpSrv, 'bootsig.bin', 1, 'File not found', 3030);
    s.tftpError(piHost, dhcpSrv, '1a2b3c4d/start.elf', 1, 'File not found', 3031);
    s.tftpRead(piHost, dhcpSrv, 'start.elf', 60000);
    const a = s.run();
    expect(errorsOf(a, pi.mac)).toEqual([]);
    expect(client(a, pi.mac).ok).toBe(true);
  });
});
