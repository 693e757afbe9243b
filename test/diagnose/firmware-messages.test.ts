/**
 * Which firmware message a finding names depends on the firmware: EDK2's PxeBcDxe prints PXE-E23 for
 * any TFTP ERROR and PXE-E18 for a stalled download (seen on the lab's OVMF captures), PXE 2.1 ROMs
 * PXE-E3B / PXE-E3C / PXE-E35. iPXE, also as a UEFI driver, is not EDK2.
 */
import { describe, it, expect } from 'vitest';
import { Scenario, type ClientSpec, type Host } from '../exchange/scenario.js';

const srv: Host = { mac: '02:00:00:00:01:01', ip: '192.0.2.1' };
const edk2: ClientSpec = { mac: '52:54:00:ef:00:01', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000', guid: '8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5b' };
const ipxeEfi: ClientSpec = { ...edk2, mac: '52:54:00:ef:00:03', ipxe: true };
const bios: ClientSpec = { mac: '52:54:00:be:00:01', arch: [0], vendorClass: 'PXEClient:Arch:00000:UNDI:002001' };

function tftpErrorFor(c: ClientSpec, code: number, message: string, id: string): string | undefined {
  const s = new Scenario();
  const host: Host = { mac: c.mac, ip: '192.0.2.100' };
  s.dora(c, srv, 0x61, host.ip, { siaddr: srv.ip, file: 'efi64/syslinux.efi' });
  s.tftpError(host, srv, 'efi64/syslinux.efi', code, message);
  const f = s.run().findings.find((x) => x.id === id);
  expect(f, id).toBeDefined();
  return f!.firmwareMessage;
}

describe('firmware messages by firmware', () => {
  it('access violation: PXE-E23 from EDK2, PXE-E3C from a PXE ROM and from iPXE', () => {
    expect(tftpErrorFor(edk2, 2, 'Access violation', 'tftp-error')).toBe('PXE-E23');
    expect(tftpErrorFor(bios, 2, 'Access violation', 'tftp-error')).toBe('PXE-E3C');
    expect(tftpErrorFor(ipxeEfi, 2, 'Access violation', 'tftp-error')).toBe('PXE-E3C');
  });

  it('boot file not found: PXE-E23 from EDK2, PXE-E3B otherwise', () => {
    expect(tftpErrorFor(edk2, 1, 'File not found', 'tftp-file-not-found')).toBe('PXE-E23');
    expect(tftpErrorFor(bios, 1, 'File not found', 'tftp-file-not-found')).toBe('PXE-E3B');
  });
});

describe('the end of a failed DHCP phase', () => {
  /** An address offer with no boot information at all: no-boot-file. */
  function noBootFileFor(c: ClientSpec): string | undefined {
    const s = new Scenario();
    s.dora(c, srv, 0x62, '192.0.2.100');
    const f = s.run().findings.find((x) => x.id === 'no-boot-file');
    expect(f).toBeDefined();
    return f!.firmwareMessage;
  }

  /** 4011 requests nobody answers: proxy-request-unanswered. */
  function unanswered4011For(c: ClientSpec): string | undefined {
    const s = new Scenario();
    const pxe: Host = { mac: '02:00:00:00:02:01', ip: '192.0.2.2' };
    s.discover(c, 0x63);
    s.reply(pxe, c, 0x63, 2, { siaddr: pxe.ip, vendorClass: 'PXEClient' });
    s.reply(srv, c, 0x63, 2, { yiaddr: '192.0.2.100' });
    s.request(c, 0x63, srv.ip, '192.0.2.100');
    s.reply(srv, c, 0x63, 5, { yiaddr: '192.0.2.100' });
    s.proxyRequest(c, '192.0.2.100', pxe, 0x64);
    s.wait(1);
    s.proxyRequest(c, '192.0.2.100', pxe, 0x64);
    s.wait(4);
    const f = s.run().findings.find((x) => x.id === 'proxy-request-unanswered');
    expect(f).toBeDefined();
    return f!.firmwareMessage;
  }

  it('EDK2 says PXE-E16 whatever went wrong (lab: fail-no-bootfile-uefi, fail-option60-on-dhcp); PXE ROMs name the step', () => {
    expect(noBootFileFor(edk2)).toBe('PXE-E16');
    expect(noBootFileFor(bios)).toBe('PXE-E53');
    expect(unanswered4011For(edk2)).toBe('PXE-E16');
    expect(unanswered4011For(bios)).toBe('PXE-E55');
    expect(unanswered4011For(ipxeEfi)).toBe('PXE-E55');
  });
});
