/**
 * What the rule tests share: the hosts and clients of their scenarios (test/exchange/scenario.ts)
 * and `only`, which also holds each finding to its rule's meta (its severity is one the rule says
 * it gives, unless the client booted by a later method and the error became a warning).
 */
import { expect } from 'vitest';
import { Scenario, biosHead, ids, type ClientSpec, type Host } from '../../exchange/scenario.js';
import { rules } from '../../../src/diagnose/rules/index.js';
import type { Finding } from '../../../src/diagnose/finding.js';
import type { AnalysisJson } from '../../../src/report/schema.js';

export const dhcpSrv: Host = { mac: '02:00:00:00:01:01', ip: '192.0.2.1' };
export const pxeSrv: Host = { mac: '02:00:00:00:02:01', ip: '192.0.2.2' };
export const rogue: Host = { mac: '02:00:00:00:03:01', ip: '192.0.2.3' };
export const bios: ClientSpec = { mac: '52:54:00:be:00:01', arch: [0], guid: '8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5b' };
export const biosHost: Host = { mac: bios.mac, ip: '192.0.2.100' };
export const uefi: ClientSpec = { mac: '52:54:00:ef:00:01', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000', guid: '11111111-2222-3333-4444-555555555555' };
export const uefiHost: Host = { mac: uefi.mac, ip: '192.0.2.101' };

/** A finding's severity is one its rule's meta names (or an error downgraded after a later method booted). */
export function expectMetaSeverity(f: Finding): void {
  const rule = rules.find((r) => r.id === f.id);
  expect(rule, `rule ${f.id}`).toBeDefined();
  const downgraded = f.severity === 'warning' && f.title.includes('(the client then booted by');
  if (!downgraded) expect(rule!.meta.severities, `${f.id} gave ${f.severity}`).toContain(f.severity);
}

/** The one finding with this id (there must be exactly one). */
export function only(a: AnalysisJson, id: string): Finding {
  const list = a.findings.filter((f) => f.id === id);
  expect(list, `findings ${ids(a).join(',')}`).toHaveLength(1);
  for (const f of a.findings) expectMetaSeverity(f);
  return list[0]!;
}

/** A BIOS boot that works: DORA with file + siaddr, pxelinux.0 downloaded. */
export function workingBios(s: Scenario): void {
  workingBiosWith(s, bios, 0x100);
}

/** The same working BIOS boot for another client spec. */
export function workingBiosWith(s: Scenario, c: ClientSpec, xid = 0x200): void {
  s.dora(c, dhcpSrv, xid, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
  s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 1500, { head: biosHead() });
}
