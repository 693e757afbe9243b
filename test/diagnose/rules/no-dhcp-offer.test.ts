/** no-dhcp-offer: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { uefi, only } from './fixtures.js';

describe('no-dhcp-offer', () => {
  it('fires on unanswered DISCOVERs with their frames', () => {
    const s = new Scenario();
    const f1 = s.discover(uefi, 1);
    s.wait(4);
    const f2 = s.discover(uefi, 1);
    s.wait(8);
    const f3 = s.discover(uefi, 1);
    const f = only(s.run(), 'no-dhcp-offer');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E51');
    expect(f.frames).toEqual([f1, f2, f3]);
    expect(f.client).toBe(uefi.mac);
  });
  it('stays quiet on a single DISCOVER at the very end of the capture', () => {
    const s = new Scenario();
    s.discover(uefi, 1);
    expect(ids(s.run())).not.toContain('no-dhcp-offer');
  });
});
