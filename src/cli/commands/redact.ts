/**
 * `pxe-doctor redact IN... OUT [--keep-oui]`: a capture to share, with MACs, IPv4/IPv6 addresses,
 * GUIDs, host names and file paths replaced by consistent pseudonyms and checksums kept right
 * (docs/redact.md). Exit codes: 0 written, 2 bad usage or unreadable input.
 */
import { closeSync, openSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError, ExitCode } from '../errors.js';
import { setExitCode } from '../exit.js';

export function register(program: Command): void {
  program
    .command('redact')
    .description('write a copy of a capture with MACs, addresses, GUIDs, host names and file paths replaced by pseudonyms (pcapng)')
    .argument('<in...>', 'the capture (several files or a directory are one capture in time order), then the pcapng file to write')
    .option('--keep-oui', 'keep the vendor part (OUI, first 3 bytes) of MAC addresses')
    .action(async (args: string[], opts: { keepOui?: boolean }, cmd: Command) => {
      if (args.length < 2) throw new UserError('redact needs the capture and the file to write: pxe-doctor redact IN OUT.pcapng');
      const out = args[args.length - 1]!;
      const inputs = args.slice(0, -1);
      const { isDirectory } = await import('../../capture/multi.js');
      if (isDirectory(out)) throw new UserError(`redact: ${out} is a directory; the last argument is the pcapng file to write`);
      const input: string | string[] = inputs.length === 1 && !isDirectory(inputs[0]!) ? inputs[0]! : inputs;
      const { redactCapture } = await import('../../redact/run.js');
      const { CaptureFormatError } = await import('../../capture/errors.js');
      let fd: number;
      try {
        fd = openSync(out, 'w');
      } catch (err) {
        throw new UserError(`cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      let frames: number;
      try {
        ({ frames } = await redactCapture(input, fd, { keepOui: opts.keepOui === true }));
      } catch (err) {
        closeSync(fd);
        rmSync(out, { force: true });
        if (err instanceof CaptureFormatError) throw new UserError(err.message);
        throw err;
      }
      closeSync(fd);
      process.stdout.write(`wrote ${out}: ${frames} frames, redacted\n`);
      setExitCode(cmd, ExitCode.Ok);
    });
}
