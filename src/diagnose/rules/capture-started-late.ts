import type { Rule } from '../rule.js';
import { blindSpotFindings } from '../blind-spots.js';

/** The capture began after the client did: its DISCOVER (and the offer it chose) are not in it. */
export const captureStartedLateRule: Rule = {
  id: 'capture-started-late',
  meta: {
    severities: ['info'],
    severityText: 'info',
    firmwareMessages: '',
    summary: 'the capture began after the client did: its first DHCP message is a REQUEST, its first DISCOVER already says `secs` >= 8, or its TFTP has no DHCP before it',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    return blindSpotFindings(this.id, 'started-late', 'The capture started after this client began booting', c, ctx);
  },
};
