/** Capture files under a fixtures directory, recursively, sorted (for tests that run over all of them). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function captureFiles(dir: string, pattern = /\.(pcap|pcapng|cap)(\.gz)?$/): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const q = path.join(p, e.name);
      if (e.isDirectory()) walk(q);
      else if (pattern.test(e.name)) out.push(q);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}
