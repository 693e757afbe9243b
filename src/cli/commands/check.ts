/**
 * `pxe-doctor check CAPTURE [--expect FILE]`, `pxe-doctor check DIR [--junit FILE]`,
 * `pxe-doctor check CAPTURE|DIR --update`: captures against expectations, for CI regression.
 * Exit codes: 0 every expectation holds, 1 one failed, 2 bad input (unreadable capture, bad
 * expectations file: which line, which key).
 */
import { existsSync, statSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { helpFooter, INTERNAL_EXIT, wantColor } from '../help.js';
import { fileProblem } from '../../capture/errors.js';
import { UserError, ExitCode } from '../errors.js';
import { endQuietlyWhenStdoutCloses, setExitCode } from '../exit.js';
import type { AnalysisJson } from '../../report/schema.js';
import * as run from '../../check/run.js';
import { formatSingle, formatCaptureLine, formatSummary } from '../../check/report.js';
import { junitXml } from '../../check/junit.js';
import { baselineYaml } from '../../check/baseline.js';

interface CheckCliOptions {
  expect?: string;
  junit?: string;
  update?: boolean;
  verbose?: boolean;
  color?: boolean;
}

export function register(program: Command): void {
  program
    .command('check')
    .description('check captures against expectations files (CI regression): one capture, or every capture in a directory')
    .argument('[target...]', 'a capture file, or a directory of captures each with its x.expect.yaml beside it; with --expect, several files or a directory are one capture (ring buffer)')
    .option('--expect <file>', 'expectations file (YAML or JSON) for one capture; default: the capture\'s sibling x.expect.yaml')
    .option('--junit <file>', 'also write the results as JUnit XML (one testsuite per capture, one testcase per expectation)')
    .option('--update', 'write x.expect.yaml from the current analysis (a regression baseline to review), instead of checking')
    .option('--verbose', 'directory mode: list passed expectations too')
    .option('--no-color', 'no colors')
    .addHelpText(
      'after',
      helpFooter(
        ['pxe-doctor check fixtures/captures', 'pxe-doctor check boot.pcap --expect boot.expect.yaml --junit results.xml', 'pxe-doctor check boot.pcap --update   # write boot.expect.yaml to review'],
        [[0, 'every expectation holds'], [1, 'an expectation failed'], [2, 'bad usage, an unreadable capture, or a bad expectations file (file:line, e.g. an unknown finding id)'], INTERNAL_EXIT],
      ) + '\n\nExpectations format, directory mode and JUnit output: docs/check.md\n',
    )
    .action(async (targets: string[], opts: CheckCliOptions, cmd: Command) => {
      endQuietlyWhenStdoutCloses();
      // Several files, or a directory with --expect: one capture read in time order (docs/check.md).
      const multi = targets.length > 1 || (targets.length === 1 && opts.expect !== undefined && statOrThrow(targets[0]!).isDirectory());
      if (multi) {
        setExitCode(cmd, await runCheckMulti(targets, opts));
        return;
      }
      setExitCode(cmd, await runCheck(targets[0], opts));
    });
}

async function runCheck(target: string | undefined, opts: CheckCliOptions): Promise<number> {
  const color = wantColor(opts.color, process.stdout.isTTY === true);
  const analyze = await analyzer();

  if (target === undefined && opts.expect === undefined) {
    throw new UserError('check needs a capture (with --expect FILE or a sibling x.expect.yaml) or a directory of captures');
  }
  const isDir = target !== undefined && statOrThrow(target).isDirectory();

  if (isDir) {
    const dir = target!;
    if (opts.expect !== undefined) throw new UserError('--expect is for one capture; in a directory each capture uses its own x.expect.yaml');
    const plan = run.planDirectory(dir);
    if (plan.captures.length === 0) throw new UserError(`no captures (.pcap, .pcapng, .cap, also .gz) in ${dir}`);
    if (opts.update) {
      for (const { capture } of plan.captures) writeBaseline(capture, undefined, await analyzeOrThrow(analyze, capture));
      return ExitCode.Ok;
    }
    const checks = await run.checkDirectory(dir, analyze, (c) => process.stdout.write(formatCaptureLine(c, { color, verbose: opts.verbose })));
    const t = run.totals(checks);
    process.stdout.write(formatSummary(t, { color }));
    if (opts.junit !== undefined) writeTo(opts.junit, junitXml(checks));
    return run.exitCodeFor(t);
  }

  // One capture: named on the command line, or by the expectations file's `capture:` key.
  let capture = target;
  if (capture === undefined) {
    const exp = loadOrThrow(run.loadExpectations, opts.expect!);
    if (exp.capture === undefined) throw new UserError(`${opts.expect}: give the capture on the command line or as "capture:" in the file`);
    capture = path.resolve(path.dirname(opts.expect!), exp.capture);
    statOrThrow(capture);
  }
  if (opts.update) {
    writeBaseline(capture, opts.expect, await analyzeOrThrow(analyze, capture));
    return ExitCode.Ok;
  }
  const expectations = opts.expect ?? run.siblingExpectations(capture);
  if (expectations === undefined) {
    const stem = run.captureStem(capture);
    throw new UserError(`no expectations for ${capture}: give --expect FILE or write ${stem}.expect.yaml (\`pxe-doctor check ${capture} --update\` starts one)`);
  }
  const check = await run.checkCapture(capture, expectations, analyze);
  if (opts.junit !== undefined) writeTo(opts.junit, junitXml([check]));
  // One capture: a bug stops the run the usual way (exit 3, stack with --debug).
  if (check.internal !== undefined) throw (check.internal as Error).cause ?? check.internal;
  if (check.error !== undefined) throw new UserError(check.error);
  process.stdout.write(formatSingle(check, { color }));
  return run.exitCodeFor(run.totals([check]));
}

/** Several files or a directory, one capture, one expectations file (--expect, required). */
async function runCheckMulti(targets: string[], opts: CheckCliOptions): Promise<number> {
  const color = wantColor(opts.color, process.stdout.isTTY === true);
  if (opts.expect === undefined) throw new UserError('several captures are checked as one capture against one expectations file: give --expect FILE');
  if (opts.update) throw new UserError('--update writes the baseline of one capture file; for several, run `pxe-doctor analyze --json FILES...` and write the expectations by hand');
  const { analyzeCapture } = await import('../../pipeline.js');
  const { CaptureFormatError } = await import('../../capture/errors.js');
  const name = targets.join(' ');
  const check = await run.checkCapture(name, opts.expect, async () => {
    try {
      return await analyzeCapture(targets);
    } catch (err) {
      if (err instanceof CaptureFormatError) throw err;
      throw Object.assign(new Error(`internal error analyzing ${name}: ${(err as Error)?.message ?? String(err)}`, { cause: err }), { internal: true });
    }
  });
  if (opts.junit !== undefined) writeTo(opts.junit, junitXml([check]));
  if (check.internal !== undefined) throw (check.internal as Error).cause ?? check.internal;
  if (check.error !== undefined) throw new UserError(check.error);
  process.stdout.write(formatSingle(check, { color }));
  return run.exitCodeFor(run.totals([check]));
}

/** analyzeCapture, with "not a capture" kept as a one-line user error and anything else marked internal. */
async function analyzer(): Promise<(capture: string) => Promise<AnalysisJson>> {
  const { analyzeCapture } = await import('../../pipeline.js');
  const { CaptureFormatError } = await import('../../capture/errors.js');
  return async (capture) => {
    try {
      return await analyzeCapture(capture);
    } catch (err) {
      if (err instanceof CaptureFormatError) throw err;
      // A bug, not bad input: marked so that one capture stops with exit 3 and a directory run goes on.
      const wrapped = new Error(`internal error analyzing ${capture}: ${(err as Error)?.message ?? String(err)} (please report it with the capture)`, { cause: err });
      throw Object.assign(wrapped, { internal: true, stack: (err as Error)?.stack ?? wrapped.stack });
    }
  };
}

async function analyzeOrThrow(analyze: (c: string) => Promise<AnalysisJson>, capture: string): Promise<AnalysisJson> {
  try {
    return await analyze(capture);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

function loadOrThrow<T>(load: (f: string) => T, file: string): T {
  try {
    return load(file);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

function statOrThrow(p: string): Stats {
  try {
    return statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${p}: ${code === 'ENOENT' ? 'no such file or directory' : (code ?? String(err))}`);
  }
}

function writeBaseline(capture: string, out: string | undefined, analysis: AnalysisJson): void {
  const stem = run.captureStem(capture);
  const file = out ?? `${stem}.expect.yaml`;
  if (out === undefined && existsSync(`${stem}.expect.json`)) {
    throw new UserError(`${stem}.expect.json exists: --update writes YAML; remove the JSON file or pass --expect ${stem}.expect.json`);
  }
  if (/\.json$/i.test(file)) throw new UserError(`--update writes YAML; name the file .expect.yaml, not ${file}`);
  const relative = path.relative(path.dirname(path.resolve(file)), path.resolve(capture));
  writeTo(file, baselineYaml(analysis, relative));
  const n = analysis.clients.length;
  process.stdout.write(`wrote ${file}: ${n} client${n === 1 ? '' : 's'}, ${analysis.findings.length} finding${analysis.findings.length === 1 ? '' : 's'} (review it before committing)\n`);
}

function writeTo(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new UserError(`cannot write the JUnit report to ${file}: ${fileProblem(err as NodeJS.ErrnoException, file)}`);
  }
}
