import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { chainOf } from '../chain-helpers.js';
import { SILENCE_WORTH_TELLING } from '../../exchange/chain/stages.js';
import { printableName } from '../../exchange/classify.js';

/**
 * The last thing the capture shows of a client is a boot program downloaded completely, and then
 * nothing from it while the capture went on. The capture cannot tell more: the program may have
 * started an OS that stays off the network, or hung, or been refused by the firmware.
 */
export const nbpThenSilenceRule: Rule = {
  id: 'nbp-then-silence',
  meta: {
    severities: ['warning'],
    severityText: 'warning',
    firmwareMessages: '',
    summary: 'the last thing seen is a complete boot program and then 10 s or more of nothing from the client; the capture cannot tell an OS that stays off the network from a hang or a refusal',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    if (!ctx.final) return [];
    const chain = chainOf(c, ctx);
    const s = chain.last;
    if (!s || s.kind !== 'nbp' || s.status !== 'ok' || (s.silence ?? 0) < SILENCE_WORTH_TELLING) return [];
    const head = s.transfers.find((t) => t.headKind)?.headKind;
    const what = head?.kind === 'pe' ? `an EFI image (${head.machine}${head.signed === true ? ', signed' : head.signed === false ? ', unsigned' : ''})` : head?.kind === 'bios' ? 'a BIOS boot program' : 'a boot program';
    return [
      finding(this.id, c, ctx, {
        severity: 'warning',
        frames: s.frames,
        title: `${printableName(s.name)} was downloaded, then nothing more from the client for ${s.silence!.toFixed(0)} s`,
        cause: `The client downloaded ${printableName(s.name)}, ${what}, and sent nothing more until the capture ended. The capture cannot tell which: the program started something that does not use the network (a local OS, a menu waiting for a key), it hung (a BIOS program on the wrong NIC driver, too little base memory), the firmware refused it (Secure Boot with an image not signed by a key in db, a corrupt file), or its packets took a path this capture point does not see.`,
        fix: 'Look at the client console; capture longer or closer to the client; check the file (size and checksum against the server copy, sbverify --list for the signature under Secure Boot).',
        ts: s.lastTs,
      }),
    ];
  },
};
