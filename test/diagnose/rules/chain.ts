/** Helpers of the boot-chain rule tests: lab captures (real firmware, real loaders) and built sequences. */
import { join, resolve } from 'node:path';
import { analyzeCapture } from '../../../src/pipeline.js';
import type { AnalysisJson } from '../../../src/report/schema.js';
import { Scenario, type ClientSpec, type Host } from '../../exchange/scenario.js';
import { pe64Head } from '../../exchange/pe-head.js';

const LAB = resolve(import.meta.dirname, '../../../fixtures/captures');

/** A lab capture of fixtures/captures (its .md says how it was made), analyzed. */
export function lab(name: string): Promise<AnalysisJson> {
  return analyzeCapture(join(LAB, name));
}

export function errorsOf(a: AnalysisJson, mac?: string): string[] {
  return a.findings.filter((f) => (mac === undefined || f.client === mac) && f.severity === 'error').map((f) => f.id);
}

export const SIGNED = pe64Head(1472, 0x10000);
export const UNSIGNED = pe64Head(0, 0x10000);
const other: ClientSpec = { mac: '52:54:00:00:00:99', arch: [0] };

/** Something else on the wire `seconds` later, so the capture goes on after the client stopped. */
export function later(s: Scenario, seconds: number): void {
  s.wait(seconds);
  s.discover(other, 0x999);
}

export type { Host };
