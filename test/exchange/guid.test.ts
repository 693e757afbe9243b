/** Client GUIDs as people see them (issue 19): SMBIOS byte order in reports, wire order kept in the JSON. */
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { smbiosGuid } from '../../src/exchange/guid.js';
import { analyzeCapture } from '../../src/pipeline.js';

describe('smbiosGuid', () => {
  it('swaps the first three fields, as Wireshark shows option 97', () => {
    expect(smbiosGuid('2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b')).toBe('8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5b');
    expect(smbiosGuid(smbiosGuid('2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b'))).toBe('2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b');
    expect(smbiosGuid('00000000-0000-0000-0000-000000000000')).toBe('00000000-0000-0000-0000-000000000000');
    expect(smbiosGuid('not a guid')).toBe('not a guid');
  });

  it('analyze: guid in the SMBIOS form (tshark: "Client Identifier (UUID): 8a1c0b2e-..."), guidWire as sent', async () => {
    const a = await analyzeCapture(join(resolve(import.meta.dirname, '../..'), 'fixtures/captures/fail-option60-on-dhcp.pcap'));
    expect(a.clients[0]).toMatchObject({ guid: '8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5b', guidWire: '2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b' });
  });
});
