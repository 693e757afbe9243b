/**
 * The input is not a capture we can read at all (wrong magic, empty, cut inside the file header,
 * unreadable path). The CLI turns it into one line on stderr and exit code 2.
 * Damage *inside* a capture is not an error: it becomes a CaptureWarning and reading stops there.
 */
export class CaptureFormatError extends Error {
  override readonly name = 'CaptureFormatError';
}
