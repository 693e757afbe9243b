import type { Rule } from '../rule.js';
import { blindSpotFindings } from '../blind-spots.js';

/**
 * The capture stopped while the client was still at work (a transfer running, a request not yet
 * answered or retried, the client's last packet seconds before the end): what came next is unknown,
 * and the client is reported as stopped where the capture ended, not as failed.
 */
export const captureEndedMidExchangeRule: Rule = {
  id: 'capture-ended-mid-exchange',
  meta: {
    severities: ['info'],
    severityText: 'info',
    firmwareMessages: '',
    summary: 'the capture stopped while the client was at work (a transfer running, a DHCP message not yet answered or retried, boot information received and no TFTP yet within 20 s); given only when no error explains the client, whose verdict is then `capture ended at <stage>`',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    return blindSpotFindings(this.id, 'ended-mid-exchange', 'The capture ended while this client was still booting', c, ctx);
  },
};
