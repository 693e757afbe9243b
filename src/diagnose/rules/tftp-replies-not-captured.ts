import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers } from '../helpers.js';

/**
 * The client moved on as if answered, but no TFTP reply is in the capture: the capture filter
 * (e.g. "port 69", pixiecore's debug tcpdump) misses the server's ephemeral port. Said once so
 * nobody reads it as a silent server.
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
    const missed = allTransfers(c).filter((t) => t.outcome === 'not-captured');
    if (missed.length === 0) return [];
    return [
      finding(this.id, c, ctx, {
        severity: 'info',
        frames: missed.map((t) => t.rrqFrame),
        title: 'TFTP replies are missing from the capture (capture filter on port 69?)',
        cause: 'The client sent a new request for the same file right after its RRQ, as it does after receiving an OACK, but no reply is in the capture: TFTP servers answer from an ephemeral port, which a "port 69" capture filter does not match.',
        fix: 'Capture without a port filter, or with "udp and (port 67 or port 68 or port 4011 or portrange 1024-65535)", to see the TFTP data.',
        ts: missed[0]!.rrqTs,
      }),
    ];
  },
};
