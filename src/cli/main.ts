/**
 * pxe-doctor command line. Each command lives in src/cli/commands/<name>.ts, is imported lazily,
 * and returns its exit code; this is the only place that sets process.exitCode.
 */
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError } from 'commander';
import { UserError } from './errors.js';

// What the analysis keeps alive is small (a heap snapshot mid-run on 10 000 clients: 22 MB), but
// each finished client's record outlives a few young-generation collections and then waits in the
// old generation for a full one. By default V8 lets the old generation grow up to ~4x its live
// size between full collections; 1.5x keeps the peak of a 1 GiB, 10 000-client capture at ~130 MB
// instead of 160-180 MB for ~5 % more wall time (docs/performance.md, "Memory"). The factor is read
// at each collection, so setting it here, before any work, takes effect.
setFlagsFromString('--heap-growing-percent=50');

const COMMANDS = ['analyze', 'decode', 'check', 'serve', 'live', 'probe', 'extract', 'redact', 'help'];

type Runner = (program: Command) => void;

const program = new Command();
program
  .name('pxe-doctor')
  .description('Tells you why a machine will not boot from the network, and proves the fix.')
  .version('0.1.0')
  .option('--debug', 'show stack traces of internal errors')
  .showHelpAfterError()
  .exitOverride();

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

async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  // `pxe-doctor CAPTURE` with no command runs analyze.
  const first = args.find((a) => !a.startsWith('-'));
  if (first !== undefined && !COMMANDS.includes(first) && args[0] === first) args.unshift('analyze');
  const wanted = args.find((a) => !a.startsWith('-'));
  for (const [name, load] of Object.entries(registrations)) {
    if (wanted === undefined || wanted === name || wanted === 'help') {
      const mod = await load().catch(() => undefined);
      if (mod) mod.register(program);
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
      // commander already printed the message; help/version exit 0, usage errors 2.
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
    if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
    else process.stderr.write('(run again with --debug for details, and please report it with the capture)\n');
    process.exitCode = 3;
  });
