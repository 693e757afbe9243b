/**
 * Client GUIDs (DHCP option 97, the machine's SMBIOS UUID). On the wire the first three fields are
 * in the byte order the firmware copied from SMBIOS (little-endian); Wireshark, the firmware setup
 * screen, WDS and ConfigMgr print them big-endian. The JSON keeps both (`guid`, `guidWire`); people
 * see the SMBIOS form (reports and finding texts).
 */

const GUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4}-[0-9a-f]{12})$/i;

const swap = (hex: string): string => hex.match(/../g)!.reverse().join('');

/** "2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b" (wire) -> "8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5b" (SMBIOS); other text unchanged. */
export function smbiosGuid(wire: string): string {
  const m = GUID.exec(wire);
  if (!m) return wire;
  return `${swap(m[1]!)}-${swap(m[2]!)}-${swap(m[3]!)}-${m[4]}`;
}
