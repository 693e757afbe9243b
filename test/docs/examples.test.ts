/**
 * The examples in README.md and docs/ are what the CLI prints (issue 19): each block marked
 * `<!-- output of: pxe-doctor ARGS -->` is run through the built CLI and compared line by line.
 * `node scripts/docs-examples.mjs --update` rewrites them after an intended change.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without types
import { examples } from '../../scripts/docs-examples.mjs';

interface Example {
  file: string;
  args: string;
  documented: string;
  actual: string;
}

describe('documented examples', () => {
  const all = examples() as Example[];
  it('there are examples of the text report, the diagram and the verdicts', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(new Set(all.map((e) => e.file))).toEqual(new Set(['README.md', 'docs/analyze.md', 'docs/pictures.md', 'docs/check.md']));
  });
  for (const e of all) {
    it(`${e.file}: pxe-doctor ${e.args}`, () => {
      expect(e.documented).toBe(e.actual);
    });
  }
});
