/**
 * tshark's expert infos of a capture (`tshark -r FILE -q -z expert`), with IPv4/UDP/TCP checksum
 * validation switched on: what a capture the project writes (extract, redact) must not add to.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

export const CHECKSUM_PREFS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];

/** Error and warning expert infos: "Group Protocol Summary" -> frequency. tshark must read the file without an error. */
export function expertProblems(file: string): Map<string, number> {
  const r = spawnSync('tshark', ['-r', file, ...CHECKSUM_PREFS, '-q', '-z', 'expert'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr.split('\n').filter((l) => l && !/Running as user/.test(l)), `tshark stderr on ${file}`).toEqual([]);
  const out = new Map<string, number>();
  let section = '';
  for (const line of r.stdout.split('\n')) {
    const head = /^(Errors|Warnings|Notes|Chats|Comments) \(\d+\)/.exec(line);
    if (head) {
      section = head[1]!;
      continue;
    }
    const m = /^\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line);
    // "Bad checksum [should be 0x1234]": one line per value; counted together.
    const key = m ? `${section}: ${m[2]} ${m[3]} ${m[4]!.trim().replace(/ \[should be 0x[0-9a-f]+\]/, '')}` : '';
    if (m && (section === 'Errors' || section === 'Warnings')) out.set(key, (out.get(key) ?? 0) + Number(m[1]));
  }
  return out;
}

/** Problems in `written` that `original` does not have as often (what the writer caused). */
export function addedProblems(original: string, written: string): string[] {
  const a = expertProblems(original);
  const b = expertProblems(written);
  return [...b].filter(([k, n]) => n > (a.get(k) ?? 0)).map(([k, n]) => `${k} x${n} (original x${a.get(k) ?? 0})`);
}
