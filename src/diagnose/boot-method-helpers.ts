/** Shared by the issue-10 rules (PXEv6, HTTP boot, BSDP): the methods and whether a later one booted. */
import { bootMethods, outcomeRank, type BootMethodRecord } from '../exchange/boot-methods.js';
import type { ClientRecord } from '../exchange/types.js';
import type { Severity } from './finding.js';

/** Methods are derived once per client and diagnosis run (the record does not change while rules run). */
const cache = new WeakMap<ClientRecord, { lastFrame: number; methods: BootMethodRecord[] }>();

export function methodsOf(c: ClientRecord): BootMethodRecord[] {
  const hit = cache.get(c);
  if (hit && hit.lastFrame === c.lastFrame) return hit.methods;
  const methods = bootMethods(c);
  cache.set(c, { lastFrame: c.lastFrame, methods });
  return methods;
}

/** A failed method is an error unless the client booted with another method (then a warning). */
export function failureSeverity(methods: BootMethodRecord[], m: BootMethodRecord): Severity {
  return methods.some((x) => x !== m && outcomeRank(x.outcome) >= 6) ? 'warning' : 'error';
}
