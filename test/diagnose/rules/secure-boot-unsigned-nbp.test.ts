/** secure-boot-unsigned-nbp: fires on the lab captures that show it (real firmware and loaders, fixtures/captures), quiet on the working ones. */
import { describe, it, expect } from 'vitest';
import { ids } from '../../exchange/scenario.js';
import { only } from './fixtures.js';
import { errorsOf, lab } from './chain.js';

describe('secure-boot-unsigned-nbp', () => {
  it('fires on the lab capture fail-secureboot-unsigned-nbp-uefi.pcap', async () => {
    const a = await lab('fail-secureboot-unsigned-nbp-uefi.pcap');
    const f = only(a, 'secure-boot-unsigned-nbp');
    expect(f.severity).toBe('error');
    expect(f.frames.length).toBeGreaterThan(0);
    expect(a.clients.find((c) => c.mac === f.client)!.ok).toBe(false);
  });
  it('stays quiet on the working lab capture ok-shim-grub-config-uefi.pcap', async () => {
    const a = await lab('ok-shim-grub-config-uefi.pcap');
    expect(ids(a)).not.toContain('secure-boot-unsigned-nbp');
    expect(errorsOf(a)).toEqual([]);
  });
});
