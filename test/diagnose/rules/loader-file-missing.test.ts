/** loader-file-missing on built sequences (test/exchange/scenario.ts): a loader that ran asks for a kernel or boot.wim that is missing. */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { bios, biosHost, dhcpSrv, uefi, uefiHost, only } from './fixtures.js';
import { SIGNED, UNSIGNED, errorsOf, later } from './chain.js';

function pxelinux(s: Scenario, kernelFound: boolean): { rrq: number; error: number } | undefined {
  s.dora(bios, dhcpSrv, 0x40, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
  s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 40000, { head: biosHead() });
  s.tftpRead(biosHost, dhcpSrv, 'ldlinux.c32', 9000);
  s.tftpError(biosHost, dhcpSrv, 'pxelinux.cfg/01-52-54-00-be-00-01', 1, 'File not found', 3010);
  s.tftpRead(biosHost, dhcpSrv, 'pxelinux.cfg/default', 200);
  if (kernelFound) {
    s.tftpRead(biosHost, dhcpSrv, 'images/vmlinuz', 16384);
    return undefined;
  }
  return s.tftpError(biosHost, dhcpSrv, 'images/vmlinuz', 1, 'File not found', 3011);
}

describe('loader-file-missing', () => {
  it('fires when PXELINUX ran and its kernel is missing (the config search stays quiet)', () => {
    const s = new Scenario();
    const miss = pxelinux(s, false)!;
    later(s, 10);
    const a = s.run();
    const f = only(a, 'loader-file-missing');
    expect(errorsOf(a, bios.mac)).toEqual(['loader-file-missing']);
    expect(f.frames).toEqual(expect.arrayContaining([miss.rrq, miss.error]));
    expect(f.title).toContain('kernel images/vmlinuz not found');
  });
  it('stays quiet when the kernel arrives', () => {
    const s = new Scenario();
    pxelinux(s, true);
    later(s, 10);
    const a = s.run();
    expect(ids(a)).not.toContain('loader-file-missing');
    expect(errorsOf(a, bios.mac)).toEqual([]);
  });
});
