/**
 * boot-chain-stopped is the fallback (src/diagnose/index.ts runs it only when no other rule found
 * an error): it stays out of the way of every specific rule and of working boots.
 */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { fallbackRules, rules } from '../../../src/diagnose/rules/index.js';
import { bios, biosHost, dhcpSrv, workingBios } from './fixtures.js';
import { errorsOf, lab, later } from './chain.js';

describe('boot-chain-stopped', () => {
  it('is registered as the fallback only, after the specific rules', () => {
    expect(fallbackRules.map((r) => r.id)).toEqual(['boot-chain-stopped']);
    expect(rules.map((r) => r.id)).not.toContain('boot-chain-stopped');
  });
  it('stays quiet when a specific rule explains the failed last stage (a missing kernel)', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 0x40, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 40000, { head: biosHead() });
    s.tftpRead(biosHost, dhcpSrv, 'ldlinux.c32', 9000);
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.cfg/default', 200);
    s.tftpError(biosHost, dhcpSrv, 'images/vmlinuz', 1, 'File not found', 3011);
    later(s, 10);
    const a = s.run();
    expect(errorsOf(a, bios.mac)).toEqual(['loader-file-missing']);
    expect(ids(a)).not.toContain('boot-chain-stopped');
  });
  it('stays quiet on a working boot and on every lab capture, where a specific rule always names the failure', async () => {
    const s = new Scenario();
    workingBios(s);
    expect(ids(s.run())).not.toContain('boot-chain-stopped');
    for (const name of ['fail-grub-no-config-uefi.pcap', 'fail-ipxe-http-404-bios.pcap', 'ok-shim-grub-config-uefi.pcap']) {
      expect(ids(await lab(name))).not.toContain('boot-chain-stopped');
    }
  });
});
