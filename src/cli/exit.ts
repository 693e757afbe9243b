import type { Command } from 'commander';

/** Commands record their exit code on the command object; main.ts reads it after the action ran. */
export function setExitCode(cmd: Command, code: number): void {
  (cmd as Command & { _exitCode?: number })._exitCode = code;
}
