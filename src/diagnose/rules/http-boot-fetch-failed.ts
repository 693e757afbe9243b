import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { failureSeverity, methodsOf } from '../boot-method-helpers.js';

/** UEFI HTTP boot: the GET of the boot URL failed (HTTP status >= 400, refused, reset, cut short). */
export const httpBootFetchFailedRule: Rule = {
  id: 'http-boot-fetch-failed',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error; warning when another method booted',
    firmwareMessages: '',
    summary: 'the GET of the boot URL failed: HTTP status >= 400, connection refused (RST to the SYN), no answer to the SYN, reset mid-transfer, or fewer bytes than `Content-Length`',
    docs: 'docs/ipv6-http-bsdp.md#rules-stable-ids',
  },
  check(c, ctx) {
    const methods = methodsOf(c);
    const out = [];
    for (const m of methods) {
      if ((m.method !== 'HTTPv4' && m.method !== 'HTTPv6') || m.outcome !== 'download-failed') continue;
      const f = [...(m.fetches ?? [])].reverse().find((x) => x.method !== 'HEAD' && x.outcome !== 'complete') ?? m.fetches?.[m.fetches.length - 1];
      if (!f) continue;
      // A live capture may still see the rest of a transfer that is merely in progress.
      if (!ctx.final && f.outcome === 'incomplete') continue;
      const url = m.bootFile ?? `http://${f.host ?? f.server}${f.target ?? ''}`;
      let cause: string;
      let fix: string;
      if (f.outcome === 'http-error') {
        cause = `The server answered the firmware's ${f.method ?? 'GET'} ${f.target ?? ''} with HTTP ${f.status} ${f.reason ?? ''}.`;
        fix = f.status === 404 ? `Put the boot file where the URL points (${url}), or correct the URL in the DHCP configuration.` : `Make the web server serve ${url} to the client (status ${f.status}): check its access rules and logs.`;
      } else if (f.outcome === 'refused') {
        cause = `Nothing listens on ${f.server}:${f.serverPort}: the connection was refused (TCP reset to the SYN).`;
        fix = `Start the web server on ${f.server} port ${f.serverPort}, or point the boot URL at the right host and port.`;
      } else if (f.outcome === 'no-response') {
        cause = `The firmware's TCP connection to ${f.server}:${f.serverPort} got no answer (${f.synRetries + 1} SYN).`;
        fix = 'Check that the server is up and reachable from the client (routing, firewall).';
      } else if (f.outcome === 'reset') {
        cause = `The transfer was reset by the ${f.resetBy} after ${f.bodyBytes}${f.contentLength !== undefined ? ` of ${f.contentLength}` : ''} bytes.`;
        fix = 'Look at the web server and anything in between (proxy, firewall, load balancer) for dropped connections; a firmware reset right after the headers often means it refused the file (size, type).';
      } else {
        cause = `The download stopped after ${f.bodyBytes}${f.contentLength !== undefined ? ` of ${f.contentLength}` : ''} bytes.`;
        fix = 'Check the path between client and web server for loss, and the server for aborted transfers.';
      }
      out.push(
        finding(this.id, c, ctx, {
          severity: failureSeverity(methods, m),
          frames: [f.requestFrame ?? f.firstFrame, f.responseFrame ?? 0, f.resetFrame ?? 0, f.lastFrame],
          title: `HTTP boot over IPv${m.method === 'HTTPv6' ? 6 : 4}: fetching ${url} failed (${f.outcome === 'http-error' ? `HTTP ${f.status}` : f.outcome})`,
          cause,
          fix,
          ts: f.firstTs,
        }),
      );
    }
    return out;
  },
};
