import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { failedStages, ranBy } from '../chain-helpers.js';
import { printableName } from '../../exchange/classify.js';
import { methodsOf } from '../boot-method-helpers.js';

/**
 * A loader (iPXE, GRUB) fetched a script, kernel or image over HTTP and the fetch failed: HTTP
 * status >= 400, connection refused (RST to the SYN), reset, no SYN-ACK, or a TLS handshake that
 * did not complete. The firmware's own HTTP boot download is http-boot-fetch-failed.
 */
export const loaderHttpFetchFailedRule: Rule = {
  id: 'loader-http-fetch-failed',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'iPXE: "No such file or directory", "Connection reset", "Connection timed out"',
    summary: 'a loader\'s HTTP fetch: status >= 400, RST to the SYN, reset, no SYN-ACK, TLS handshake not completed',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    for (const s of failedStages(c, ctx, ['http-failed'])) {
      const f = s.fetches[s.fetches.length - 1];
      if (!f) continue;
      // The firmware's own HTTP boot download: http-boot-fetch-failed.
      if (methodsOf(c).some((m) => (m.method === 'HTTPv4' || m.method === 'HTTPv6') && m.fetches?.includes(f))) continue;
      const loader = ranBy(c, ctx, s);
      const who = s.kind.startsWith('ipxe') || loader?.loader === 'ipxe' || c.attempts.some((a) => a.ipxe) ? 'iPXE' : loader ? printableName(loader.name) : 'the loader';
      const url = s.name;
      let cause: string;
      let fix: string;
      let message: string;
      if (f.tls && f.outcome !== 'http-error') {
        cause = `${who} opened a TLS connection to ${f.server}:${f.serverPort} for ${url} and the handshake did not complete (${s.detail}).`;
        fix = 'Check the server certificate against the CAs the loader trusts (iPXE: built with TRUST= / CERT=), the TLS versions and ciphers it supports (old iPXE builds lack TLS 1.2 ciphers), and the clock; or serve the file over plain HTTP.';
        message = 'iPXE: "Permission denied" / "Operation not supported" (TLS)';
      } else if (f.outcome === 'http-error') {
        cause = `${who} asked ${f.server}:${f.serverPort} for ${f.target ?? url} and the server answered HTTP ${f.status} ${f.reason ?? ''}.`.replace(' .', '.');
        fix = f.status === 404 ? `Put the file where the URL points (${url}), or correct the URL in the DHCP configuration or the script that names it (paths are case-sensitive on most web servers).` : `Make the web server serve ${url} to this client (status ${f.status}): check its access rules and its log.`;
        message = f.status === 404 ? 'iPXE: "No such file or directory" (http://ipxe.org/2d0c613b)' : f.status === 403 ? 'iPXE: "Permission denied"' : `HTTP ${f.status}`;
      } else if (f.outcome === 'refused') {
        cause = `${who} tried to fetch ${url} but nothing listens on ${f.server}:${f.serverPort}: the host answered the SYN with a TCP reset.`;
        fix = `Start the web server on ${f.server} port ${f.serverPort} (and bind it to that address), or correct the host/port in the URL.`;
        // iPXE 1.0.0 (2019) says "Connection reset (http://ipxe.org/0f0a6039)" for the RST to its SYN (lab capture fail-ipxe-http-refused-bios).
        message = 'iPXE: "Connection reset" (http://ipxe.org/0f0a6039) or "Connection refused"';
      } else if (f.outcome === 'no-response') {
        cause = `${who}'s TCP connection to ${f.server}:${f.serverPort} for ${url} got no SYN-ACK (${1 + f.synRetries} SYN${f.synRetries > 0 ? 's' : ''}): the host is down, unreachable from the client, or a firewall drops the traffic.`;
        fix = 'Check that the server is up and reachable from the client subnet (routing, default gateway in DHCP, firewall rules for TCP port ' + f.serverPort + ').';
        message = 'iPXE: "Connection timed out"';
      } else {
        cause = `${who}'s fetch of ${url} broke off: ${s.detail}.`;
        fix = 'Check the web server log and anything between client and server that may cut long transfers (proxies, firewalls, MTU).';
        message = 'iPXE: "Connection reset"';
      }
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: s.frames,
          firmwareMessage: message,
          title: `${who} could not fetch ${url} (${s.kind}): ${s.detail}`,
          cause,
          fix,
          ts: f.firstTs,
        }),
      );
    }
    return out;
  },
};
