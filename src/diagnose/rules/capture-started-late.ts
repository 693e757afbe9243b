import type { Rule } from '../rule.js';
import { blindSpotFindings } from '../blind-spots.js';

/** The capture began after the client did: its DISCOVER (and the offer it chose) are not in it. */
export const captureStartedLateRule: Rule = {
  id: 'capture-started-late',
  check(c, ctx) {
    return blindSpotFindings(this.id, 'started-late', 'The capture started after this client began booting', c, ctx);
  },
};
