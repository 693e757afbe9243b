import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers, isEdk2PxeClient } from '../helpers.js';
import { printableName } from '../../exchange/classify.js';

const FIRMWARE: Record<number, string> = { 2: 'PXE-E3C' };

/** Any other TFTP ERROR that ends a needed transfer (access violation, option negotiation, client abort ...). Tsize probes are normal. */
export const tftpErrorRule: Rule = {
  id: 'tftp-error',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if a retry worked)',
    firmwareMessages: 'PXE-E3C for code 2 (EDK2: PXE-E23 for any code)',
    summary: 'any other TFTP ERROR that ends a transfer; the tsize probe (ERROR 0/8 from the client after the OACK) is not one',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const all = allTransfers(c);
    const out: Finding[] = [];
    for (const t of all) {
      if (t.outcome !== 'error' || !t.error) continue;
      if (!t.error.fromClient && t.error.code === 1) continue; // tftp-file-not-found
      const recovered = all.some((x) => x.rrqTs > t.rrqTs && x.file === t.file && x.outcome === 'complete');
      const e = t.error;
      const who = e.fromClient ? 'The client' : `The server ${t.server}`;
      let cause = `${who} ended the transfer of "${printableName(t.file)}" with ERROR ${e.code} "${e.message}".`;
      if (e.code === 2) cause += ' Access violation: file permissions, tftpd --secure/ownership rules, or a server that refuses the client.';
      if (e.code === 8) cause += ' Option negotiation failed: the peer refused the options (blksize/tsize/windowsize) offered in the RRQ/OACK.';
      if (e.fromClient && t.oack) cause += ` The client aborted after the OACK (${Object.entries(t.oack).map(([k, v]) => `${k}=${v}`).join(' ')}): some UEFI TFTP clients break once a block size is granted.`;
      out.push(
        finding(this.id, c, ctx, {
          severity: recovered ? 'warning' : 'error',
          frames: [t.rrqFrame, e.frame],
          firmwareMessage: e.fromClient ? undefined : isEdk2PxeClient(c) ? 'PXE-E23' : FIRMWARE[e.code],
          title: `TFTP ERROR ${e.code} "${e.message}" for ${printableName(t.file)}${recovered ? ' (retry succeeded)' : ''}`,
          cause,
          fix:
            e.code === 2
              ? 'Make the file world-readable and owned as the TFTP server expects (tftpd-hpa --secure serves from its root only; dnsmasq --tftp-secure wants files owned by the dnsmasq user).'
              : e.fromClient
                ? 'Cap or disable the negotiated block size for this client (dnsmasq --tftp-no-blocksize, tftpd-hpa -B 1024) and retry.'
                : 'Check the TFTP server log for this request and fix what it reports.',
          ts: t.rrqTs,
        }),
      );
    }
    return out;
  },
};
