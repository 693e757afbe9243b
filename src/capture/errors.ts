import { dirname } from 'node:path';

/**
 * The input is not a capture we can read at all (wrong magic, empty, cut inside the file header,
 * unreadable path). The CLI turns it into one line on stderr and exit code 2.
 * Damage *inside* a capture is not an error: it becomes a CaptureWarning and reading stops there.
 */
export class CaptureFormatError extends Error {
  override readonly name = 'CaptureFormatError';
}

/** Why a file could not be written, in words (not EISDIR/ENOENT). */
export function fileProblem(e: NodeJS.ErrnoException, file: string): string {
  switch (e.code) {
    case 'ENOENT':
      return `the directory ${JSON.stringify(dirname(file))} does not exist`;
    case 'EISDIR':
      return 'that is a directory; give a file name in it';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of that path is a file, not a directory';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return e.message.replace(/^[A-Z]+: /, '');
  }
}
