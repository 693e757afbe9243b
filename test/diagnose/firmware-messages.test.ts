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
