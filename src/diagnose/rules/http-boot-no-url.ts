import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { failureSeverity, methodsOf } from '../boot-method-helpers.js';

/**
 * UEFI HTTP boot (UEFI 2.9 section 24.7.2): an offer to an "HTTPClient" counts only when it carries
 * a URL as boot file AND echoes the vendor class "HTTPClient" (DHCPv4 option 60, DHCPv6 option 16);
 * EDK2 HttpBootDhcp4.c / HttpBootDhcp6.c drop any other offer, so the firmware never fetches.
 */
export const httpBootNoUrlRule: Rule = {
  id: 'http-boot-no-url',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error; warning when another method booted',
    firmwareMessages: '',
    summary: 'an `HTTPClient` got an answer without an http(s) URL, or with a URL but without the vendor class `HTTPClient` echoed (DHCP option 60 / DHCPv6 option 16), which EDK2 requires (HttpBootDhcp4.c/HttpBootDhcp6.c)',
    docs: 'docs/ipv6-http-bsdp.md#rules-stable-ids',
  },
  check(c, ctx) {
    const methods = methodsOf(c);
    return methods
      .filter((m) => (m.method === 'HTTPv4' || m.method === 'HTTPv6') && m.outcome === 'no-boot-file')
      .map((m) => {
        const v6 = m.method === 'HTTPv6';
        const replyFrames = v6 ? [...m.round!.advertises, ...m.round!.replies].map((x) => x.frame) : [...m.attempt!.offers, ...m.attempt!.acks].map((x) => x.frame);
        const hasUrl = m.bootFile !== undefined;
        return finding(this.id, c, ctx, {
          severity: failureSeverity(methods, m),
          frames: [m.firstFrame, ...replyFrames.slice(0, 6)],
          title: `HTTP boot over IPv${v6 ? 6 : 4}: ${m.detail}`,
          cause: hasUrl
            ? `The offer gives the URL ${m.bootFile} but does not echo the vendor class "HTTPClient" (${v6 ? 'DHCPv6 option 16' : 'DHCP option 60'}); UEFI firmware only accepts HTTP boot offers that do, so it never fetches the URL.`
            : `The client identified itself as an HTTP boot client (vendor class "HTTPClient"), but the answer has no http:// or https:// URL as ${v6 ? 'boot file URL (DHCPv6 option 59)' : 'boot file (option 67 / file field)'}.`,
          fix: v6
            ? 'For DHCPv6 clients with vendor class HTTPClient send option 59 with the http:// URL and option 16 "HTTPClient" (dnsmasq: dhcp-vendorclass=set:http6,enterprise:343,HTTPClient, dhcp-option=tag:http6,option6:bootfile-url,http://[..]/boot.efi, dhcp-option-force=tag:http6,option6:16,00:00:01:57:00:0a:48:54:54:50:43:6c:69:65:6e:74).'
            : 'For clients with vendor class HTTPClient send the http:// URL as boot file and option 60 "HTTPClient" (dnsmasq: dhcp-vendorclass=set:http,HTTPClient, dhcp-boot=tag:http,http://server/boot.efi, dhcp-option-force=tag:http,60,HTTPClient; ISC dhcpd: option vendor-class-identifier "HTTPClient"; filename "http://...").',
          ts: m.firstTs,
        });
      });
  },
};
