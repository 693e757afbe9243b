import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { failedStages, ranBy } from '../chain-helpers.js';
import { requestFrames } from '../helpers.js';
import { printableName } from '../../exchange/classify.js';

/**
 * iPXE, chainloaded from the firmware (undionly.kpxe, snponly.efi, ipxe.efi), does its own DHCP
 * and nobody answers it, or no address is acknowledged: the DHCP server ignores user class "iPXE"
 * (a class or pool that denies it, a chainload config that only answers the firmware), spanning
 * tree blocks the port again after iPXE reset the NIC, or the NIC driver inside iPXE fails.
 */
export const ipxeDhcpUnansweredRule: Rule = {
  id: 'ipxe-dhcp-unanswered',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'iPXE: "No configuration methods succeeded"',
    summary: 'iPXE (chainloaded) sends DHCP with user class iPXE / option 175 and gets no answer, or no ACK',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    for (const s of failedStages(c, ctx, ['dhcp-unanswered', 'dhcp-no-ack'])) {
      if (s.kind !== 'ipxe-dhcp' || !s.attempt) continue;
      const a = s.attempt;
      const nbp = ranBy(c, ctx, s);
      const offers = a.offers.length;
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: [...(nbp ? [nbp.lastFrame] : []), ...requestFrames(a.discovers), ...requestFrames(a.requests), ...a.offers.slice(0, 4).map((o) => o.frame)],
          firmwareMessage: 'iPXE: "No configuration methods succeeded"',
          title: `iPXE${nbp ? ` (${printableName(nbp.name)})` : ''} did its own DHCP and got ${offers === 0 ? 'no answer' : 'no address acknowledged'}`,
          cause: `After the firmware's boot${nbp ? ` handed over to ${printableName(nbp.name)}` : ''}, iPXE sent DHCP requests with user class "iPXE" (option 77) / option 175 and ${offers === 0 ? 'no server answered them' : `${offers} offer${offers === 1 ? '' : 's'} came but no ACK followed`} (${s.detail}). The firmware's own DHCP, without that class, was answered: the DHCP server (or a class/pool rule on it) ignores iPXE; or spanning tree put the switch port back into listening/learning when iPXE reset the NIC (PortFast off); or iPXE's driver for this NIC does not work (try snponly.efi / undionly.kpxe instead of a native driver).`,
          fix: 'Let the DHCP server answer user class "iPXE" and give it a script or URL (ISC: a class matching option user-class = "iPXE" allowed in the pool; dnsmasq: dhcp-userclass=set:ipxe,iPXE with a dhcp-boot for tag ipxe); enable PortFast / edge port on the client port; or embed a script in iPXE that retries DHCP (ifconf --configurator dhcp).',
          ts: a.firstTs,
        }),
      );
    }
    return out;
  },
};
