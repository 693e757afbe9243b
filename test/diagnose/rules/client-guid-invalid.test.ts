/** client-guid-invalid: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { bios, only, workingBiosWith } from './fixtures.js';

describe('client-guid-invalid', () => {
  it('warns on an all-zero GUID and on a missing one', () => {
    const s = new Scenario();
    workingBiosWith(s, { ...bios, guid: '00000000-0000-0000-0000-000000000000' });
    expect(only(s.run(), 'client-guid-invalid').title).toContain('all-zero');
    const t = new Scenario();
    workingBiosWith(t, { ...bios, guid: undefined });
    expect(only(t.run(), 'client-guid-invalid').title).toContain('no client GUID');
  });
  it('stays quiet on a valid GUID', () => {
    const s = new Scenario();
    workingBiosWith(s, bios);
    expect(ids(s.run())).not.toContain('client-guid-invalid');
  });
});
