/**
 * Map a TFTP file name to a file inside the TFTP root, or refuse it.
 *
 * Firmware sends names in many spellings (WDS-style "\Boot\x86\wdsnbp.com", "pxelinux.cfg/01-..."),
 * and attackers send "../../etc/passwd". The name is normalised once (backslash -> "/"), then every
 * way out is closed: NUL/control bytes, absolute paths, ".." segments, and symlinks whose real path
 * leaves the root (checked with realpath after resolution, so a link planted inside the root
 * cannot point outside it).
 */
import fs from 'node:fs';
import path from 'node:path';

export type PathResult =
  | { ok: true; file: string; size: number }
  /** TFTP error 1 (File not found) or 2 (Access violation), with the message sent to the client. */
  | { ok: false; code: 1 | 2; message: string };

export class TftpRoot {
  readonly dir: string;

  /** `dir` must exist; it is resolved once so every later check compares real paths. */
  constructor(dir: string) {
    this.dir = fs.realpathSync(dir);
  }

  resolve(name: string): PathResult {
    // eslint-disable-next-line no-control-regex
    if (name.length === 0 || /[\x00-\x1f]/.test(name)) return { ok: false, code: 2, message: 'Illegal file name' };
    const normal = name.replace(/\\/g, '/');
    if (normal.startsWith('/') || /^[A-Za-z]:/.test(normal)) return { ok: false, code: 2, message: 'Absolute paths are not allowed' };
    const segments = normal.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.some((s) => s === '..')) return { ok: false, code: 2, message: 'Access violation' };
    if (segments.length === 0) return { ok: false, code: 1, message: 'File not found' };
    const candidate = path.join(this.dir, ...segments);
    let real: string;
    try {
      real = fs.realpathSync(candidate);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES') return { ok: false, code: 2, message: 'Access violation' };
      return { ok: false, code: 1, message: 'File not found' };
    }
    if (real !== this.dir && !real.startsWith(this.dir + path.sep)) return { ok: false, code: 2, message: 'Access violation' };
    let st: fs.Stats;
    try {
      st = fs.statSync(real);
    } catch {
      return { ok: false, code: 1, message: 'File not found' };
    }
    if (!st.isFile()) return { ok: false, code: 1, message: 'File not found' };
    try {
      fs.accessSync(real, fs.constants.R_OK);
    } catch {
      return { ok: false, code: 2, message: 'Access violation' };
    }
    return { ok: true, file: real, size: st.size };
  }
}
