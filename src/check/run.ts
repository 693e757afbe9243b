/**
 * Running checks: a capture against its expectations, or every capture in a directory against its
 * sibling expectations file (`x.pcap` + `x.expect.yaml`), like a test runner. Analysis is passed
 * in, so this layer does not care how a capture is read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AnalysisJson } from '../report/schema.js';
import { evaluate, type ExpectationResult } from './evaluate.js';
import { ExpectationsError, parseExpectations, type Expectations } from './expectations.js';

export type Analyze = (capture: string) => Promise<AnalysisJson>;

/** Capture files `check DIR` picks up: what the capture readers understand, optionally gzipped. */
const CAPTURE_NAME = /\.(pcap|pcapng|cap|ntar)(\.gz)?$/i;
const EXPECT_NAME = /\.expect\.(ya?ml|json)$/i;
export const EXPECT_SUFFIXES = ['.expect.yaml', '.expect.yml', '.expect.json'];

export interface CaptureCheck {
  /** The capture as the user named it (path relative to the directory given, or as typed). */
  name: string;
  capture?: string;
  expectationsFile?: string;
  /** undefined: no expectations (not a failure). */
  results?: ExpectationResult[];
  /** The capture could not be analyzed or the expectations could not be read (bad input). */
  error?: string;
  /** The error was a bug in pxe-doctor, not bad input (the analyze function marked it `internal`). */
  internal?: unknown;
  seconds?: number;
}

export function isCaptureName(file: string): boolean {
  return CAPTURE_NAME.test(file);
}

/** "dir/x.pcap.gz" -> "dir/x": the stem expectations are named after. */
export function captureStem(capture: string): string {
  return capture.replace(CAPTURE_NAME, '');
}

/** The sibling expectations file of a capture, if there is one. */
export function siblingExpectations(capture: string): string | undefined {
  const stem = captureStem(capture);
  return EXPECT_SUFFIXES.map((s) => stem + s).find((f) => isFile(f));
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function loadExpectations(file: string): Expectations {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ExpectationsError(`cannot read expectations file ${file}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
  return parseExpectations(text, file);
}

/** One capture against one expectations file. Problems with either become `error` (bad input). */
export async function checkCapture(capture: string, expectationsFile: string, analyze: Analyze, name = capture): Promise<CaptureCheck> {
  const started = performance.now();
  const check: CaptureCheck = { name, capture, expectationsFile };
  try {
    const exp = loadExpectations(expectationsFile);
    const analysis = await analyze(capture);
    check.results = evaluate(exp, analysis);
  } catch (err) {
    check.error = (err as Error).message ?? String(err);
    if ((err as { internal?: boolean }).internal) check.internal = err;
  }
  check.seconds = (performance.now() - started) / 1000;
  return check;
}

export interface DirectoryPlan {
  /** Captures with the expectations file each one is checked against (undefined = none). */
  captures: { capture: string; expectations?: string }[];
  /** Expectations files no capture uses: a renamed or deleted capture would otherwise go unnoticed. */
  orphans: string[];
}

export function planDirectory(dir: string): DirectoryPlan {
  const names = readdirSync(dir).sort();
  const captures = names.filter((n) => isCaptureName(n) && isFile(path.join(dir, n)));
  const used = new Set<string>();
  const planned = captures.map((n) => {
    const capture = path.join(dir, n);
    const expectations = siblingExpectations(capture);
    if (expectations) used.add(path.basename(expectations));
    return { capture, expectations };
  });
  const orphans = names.filter((n) => EXPECT_NAME.test(n) && !used.has(n)).map((n) => path.join(dir, n));
  return { captures: planned, orphans };
}

export async function checkDirectory(dir: string, analyze: Analyze, onCheck?: (c: CaptureCheck) => void): Promise<CaptureCheck[]> {
  const plan = planDirectory(dir);
  const checks: CaptureCheck[] = [];
  for (const { capture, expectations } of plan.captures) {
    const name = path.relative(dir, capture);
    const c: CaptureCheck = expectations ? await checkCapture(capture, expectations, analyze, name) : { name, capture };
    checks.push(c);
    onCheck?.(c);
  }
  for (const file of plan.orphans) {
    const c: CaptureCheck = { name: path.relative(dir, file), expectationsFile: file, error: 'expectations file without a capture next to it (renamed or deleted capture?)' };
    checks.push(c);
    onCheck?.(c);
  }
  return checks;
}

export interface CheckTotals {
  captures: number;
  passed: number;
  failed: number;
  errors: number;
  unchecked: number;
  expectations: number;
  expectationsPassed: number;
}

export function totals(checks: CaptureCheck[]): CheckTotals {
  const t: CheckTotals = { captures: checks.length, passed: 0, failed: 0, errors: 0, unchecked: 0, expectations: 0, expectationsPassed: 0 };
  for (const c of checks) {
    if (c.error !== undefined) t.errors++;
    else if (c.results === undefined) t.unchecked++;
    else if (c.results.every((r) => r.passed)) t.passed++;
    else t.failed++;
    t.expectations += c.results?.length ?? 0;
    t.expectationsPassed += c.results?.filter((r) => r.passed).length ?? 0;
  }
  return t;
}

/** 0 all passed, 1 an expectation failed, 2 bad input (unreadable capture or expectations). */
export function exitCodeFor(t: CheckTotals): number {
  return t.errors > 0 ? 2 : t.failed > 0 ? 1 : 0;
}
