/**
 * pxe-doctor command line. Each command lives in src/cli/commands/<name>.ts, is imported lazily,
 * and returns its exit code; this is the only place that sets process.exitCode.
 */
import { setFlagsFromString } from 'node:v8';
import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UserError } from './errors.js';
import { commandOf, helpFooter, INTERNAL_EXIT, optionDescription, USAGE_EXIT } from './help.js';
import { closest } from '../check/suggest.js';

// What the analysis keeps alive is small, but each finished client's record outlives a few
// young-generation collections and then waits in the old generation for a full one. By default V8
// lets the old generation grow to several times its live size between full collections; 1.5x keeps
// the peak memory of a large capture well lower for a little more wall time (docs/performance.md,
// "Memory", has the figures). The factor is read at each collection, so setting it here, before
// any work, takes effect.
setFlagsFromString('--heap-growing-percent=50');

const COMMANDS = ['analyze', 'decode', 'check', 'serve', 'live', 'probe', 'extract', 'redact', 'help'];

/** A usage error: one line, and where to read more. */
class UsageError extends UserError {}

type Runner = (program: Command) => void;

const program = new Command();
program
  .name('pxe-doctor')
  .usage('CAPTURE [options]   (= pxe-doctor analyze CAPTURE)\n       pxe-doctor <command> [options]')
  .description('Tells you why a machine will not boot from the network, and proves the fix.')
  .version('0.1.0')
  .option('--debug', 'show stack traces of internal errors')
  // Usage errors are printed by main() as one line (and "see ... --help"), not with the whole help.
  .configureOutput({ outputError: () => undefined })
  .configureHelp({ optionDescription })
  .exitOverride()
  .addHelpText(
    'after',
    helpFooter(
      ['pxe-doctor boot.pcap', 'tcpdump -i eth0 -U -w - udp | pxe-doctor -   # TFTP data uses other ports than 69: capture all UDP', 'pxe-doctor check fixtures/captures', 'pxe-doctor analyze --help'],
      [[0, 'nothing at or above --fail-on (default: error findings)'], [1, 'findings at or above it / failed expectations / a probed architecture would not boot'], USAGE_EXIT, INTERNAL_EXIT],
    ),
  );

// Registration is cheap; each command's code is imported only when it runs.
const registrations: Record<string, () => Promise<{ register: Runner }>> = {
  analyze: () => import('./commands/analyze.js'),
  decode: () => import('./commands/decode.js'),
  check: () => import('./commands/check.js'),
  serve: () => import('./commands/serve.js'),
  live: () => import('./commands/live.js'),
  probe: () => import('./commands/probe.js'),
  extract: () => import('./commands/extract.js'),
  redact: () => import('./commands/redact.js'),
};

/** The arguments as parsed (after `analyze` was put in front), for the "see pxe-doctor <cmd> --help" hint. */
let lastArgs: string[] = [];

/** commander's message ("error: unknown option '--jsn'\n(Did you mean --json?)") as one line with the hint. */
function usageLine(err: CommanderError): string {
  const text = err.message
    .replace(/^error: /, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\(Did you mean/, '(did you mean');
  const cmd = commandOf(lastArgs, COMMANDS.filter((c) => c !== 'help'));
  return `${text}; see pxe-doctor ${cmd ? `${cmd} ` : ''}--help`;
}

async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  // `pxe-doctor CAPTURE`, `pxe-doctor -` (stdin) and `pxe-doctor -r CAPTURE` with no command run analyze.
  const first = args.find((a) => a === '-' || !a.startsWith('-'));
  if (first !== undefined && !COMMANDS.includes(first)) {
    const near = first !== '-' && !existsSync(first) && !/[./\\]/.test(first) ? closest(first, COMMANDS) : undefined;
    if (near) throw new UsageError(`unknown command '${first}' (did you mean ${near}?); see pxe-doctor --help`);
    args.unshift('analyze');
  } else if (first === undefined && (args.includes('-r') || args.includes('--read'))) {
    args.unshift('analyze');
  }
  const wanted = args.find((a) => !a.startsWith('-'));
  lastArgs = args;
  for (const [name, load] of Object.entries(registrations)) {
    if (wanted === undefined || wanted === name || wanted === 'help') {
      // A command module that fails to load is a bug in the build, not an unknown command: it is
      // reported as an internal error (exit 3) that names the command and the loader's cause.
      const mod = await load().catch((cause: unknown) => {
        throw new Error(`the ${name} command failed to load: ${(cause as Error)?.message ?? String(cause)}`, { cause });
      });
      mod.register(program);
    }
  }
  let code = 0;
  program.hook('postAction', (_this, action) => {
    code = Number((action as Command & { _exitCode?: number })._exitCode ?? 0);
  });
  await program.parseAsync(args, { from: 'user' });
  return code;
}

main(process.argv)
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    if (err instanceof CommanderError) {
      // Help and version were printed (exit 0); a usage error is printed here, as one line (exit 2).
      if (err.exitCode !== 0 && err.code !== 'commander.help' && err.code !== 'commander.helpDisplayed' && err.code !== 'commander.version') {
        process.stderr.write(`pxe-doctor: ${usageLine(err)}\n`);
      }
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof UserError) {
      process.stderr.write(`pxe-doctor: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    const debug = process.argv.includes('--debug');
    const e = err as Error;
    process.stderr.write(`pxe-doctor: internal error: ${e?.message ?? String(err)}\n`);
    if (debug && e?.stack) {
      process.stderr.write(`${e.stack}\n`);
      const cause = e.cause as Error | undefined;
      if (cause?.stack) process.stderr.write(`caused by: ${cause.stack}\n`);
    }
    else process.stderr.write('(run again with --debug for details, and please report it with the capture)\n');
    process.exitCode = 3;
  });
