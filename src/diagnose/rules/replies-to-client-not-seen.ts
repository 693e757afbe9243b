import type { Rule } from '../rule.js';
import { blindSpotFindings } from '../blind-spots.js';

/**
 * The client acted on replies the capture does not hold (a REQUEST naming a server whose OFFER is
 * missing, a boot that went on without a captured ACK): the capture point sees the client's
 * broadcasts but not the unicast sent to it, as on another port of a switch.
 */
export const repliesToClientNotSeenRule: Rule = {
  id: 'replies-to-client-not-seen',
  meta: {
    severities: ['info'],
    severityText: 'info',
    firmwareMessages: '',
    summary: 'the client acted on replies the capture does not hold (a REQUEST naming a server whose OFFER is missing, TFTP without a captured ACK): the capture point is not on the client\'s path (another switch port)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    return blindSpotFindings(this.id, 'replies-to-client-not-seen', 'Replies sent to this client are not in the capture (capture point not on its path)', c, ctx);
  },
};
