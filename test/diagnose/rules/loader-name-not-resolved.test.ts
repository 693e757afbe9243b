/** loader-name-not-resolved: fires on the lab captures that show it (real firmware and loaders, fixtures/captures), quiet on the working ones. */
import { describe, it, expect } from 'vitest';
import { ids } from '../../exchange/scenario.js';
import { only } from './fixtures.js';
import { errorsOf, lab } from './chain.js';

describe('loader-name-not-resolved', () => {
  it('fires on the lab capture fail-ipxe-dns-nxdomain-bios.pcap', async () => {
    const a = await lab('fail-ipxe-dns-nxdomain-bios.pcap');
    const f = only(a, 'loader-name-not-resolved');
    expect(f.severity).toBe('error');
    expect(f.frames.length).toBeGreaterThan(0);
    expect(a.clients.find((c) => c.mac === f.client)!.ok).toBe(false);
  });
  it('stays quiet on the working lab capture ok-ipxe-http-script-bios.pcap', async () => {
    const a = await lab('ok-ipxe-http-script-bios.pcap');
    expect(ids(a)).not.toContain('loader-name-not-resolved');
    expect(errorsOf(a)).toEqual([]);
  });
});
