/**
 * Why a live capture cannot start, as one line that says the fix. The CLI prints `message` alone
 * (exit code 2); `kind` lets tests and callers tell the cases apart without matching text.
 */
export type LiveErrorKind =
  | 'no-capture-tool'
  | 'permission'
  | 'unknown-interface'
  | 'interface-down'
  | 'bad-filter'
  | 'write-file'
  | 'capture-failed'
  | 'metrics';

export class LiveError extends Error {
  override readonly name = 'LiveError';
  readonly kind: LiveErrorKind;
  constructor(kind: LiveErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}
