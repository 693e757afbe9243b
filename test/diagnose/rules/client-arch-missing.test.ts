/** client-arch-missing: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { bios, only, workingBiosWith } from './fixtures.js';

describe('client-arch-missing', () => {
  it('warns when a PXEClient sends no option 93', () => {
    const s = new Scenario();
    workingBiosWith(s, { ...bios, arch: [], vendorClass: 'PXEClient:Arch:00000:UNDI:002001' });
    expect(only(s.run(), 'client-arch-missing').severity).toBe('warning');
  });
  it('stays quiet when option 93 is there', () => {
    const s = new Scenario();
    workingBiosWith(s, bios);
    expect(ids(s.run())).not.toContain('client-arch-missing');
  });
});
