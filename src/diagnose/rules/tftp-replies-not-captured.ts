import type { Rule } from '../rule.js';
import { blindSpotFindings } from '../blind-spots.js';

/**
 * The client moved on as if answered, but no TFTP reply is in the capture: the capture filter
 * (e.g. `udp port 67 or 68 or 69 or 4011`, pixiecore's debug tcpdump) misses the server's
 * ephemeral port. Said once so nobody reads it as a silent server; whether the boot went on is
 * judged from what the client did next (src/exchange/vantage.ts).
 */
export const tftpRepliesNotCapturedRule: Rule = {
  id: 'tftp-replies-not-captured',
  meta: {
    severities: ['info'],
    severityText: 'info',
    firmwareMessages: '',
    summary: 'TFTP requests whose replies are missing from the capture although the client went on (a `port 69` capture filter misses the server\'s ephemeral port)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    return blindSpotFindings(this.id, 'tftp-replies-not-captured', 'TFTP replies are missing from the capture (a capture filter on ports 67/68/69/4011?)', c, ctx);
  },
};
