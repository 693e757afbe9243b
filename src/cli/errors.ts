/** Errors that map to exit codes in one place (src/cli/main.ts). */

/** Bad usage or unreadable input: printed as one line on stderr, exit code 2. */
export class UserError extends Error {
  readonly exitCode = 2;
}

export const ExitCode = { Ok: 0, Findings: 1, Usage: 2 } as const;
