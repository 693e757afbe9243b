import type { Command } from 'commander';

/** Commands record their exit code on the command object; main.ts reads it after the action ran. */
export function setExitCode(cmd: Command, code: number): void {
  (cmd as Command & { _exitCode?: number })._exitCode = code;
}

/**
 * `pxe-doctor analyze ... | head` closes stdout before the report is written: end quietly, exit 0,
 * rather than die on EPIPE with a stack trace (nobody is reading any more).
 */
export function endQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
}
