/**
 * What the capture could not see, and what the client's own behaviour proves anyway.
 *
 * A capture is taken at one point of the network with one filter. The usual filter
 * `udp port 67 or 68 or 69 or 4011` keeps the RRQs (to udp/69) but loses every OACK, DATA, ACK and
 * ERROR (they flow between ephemeral ports); a capture on another switch port sees the client's
 * broadcasts but not the unicast replies to it; a capture may start after the client began or stop
 * in the middle of a transfer. A silence the capture could not have seen is no evidence of a silent
 * server. The client tells what happened instead: firmware whose RRQ is not answered sends it again
 * (iPXE after 0.25 s, EDK2 after 4 s); a client that asks for something else next got an answer; a
 * client that asks for the NBP's own files (ldlinux.c32, its config, a kernel) or whose NBP runs its
 * own DHCP (syslinux.efi) has received and started the NBP.
 *
 * inferUnseenReplies() runs when a client's transfers are settled (tracker.ts settleClient) and
 * marks such transfers `not-captured`, with `deliveredBy` on an NBP that evidently ran.
 * blindSpots() lists what the capture missed for a client, for the report and the rules.
 */
import { ZERO_IP, baseName } from './classify.js';
import type { AttemptRecord, ClientRecord, TransferRecord } from './types.js';

/** Seconds within which an NBP's own requests follow its download (syslinux.efi's DHCP comes ~1 s after). */
const NBP_FOLLOW_UP = 60;
/** A transfer still unanswered this close to the capture end may simply not have been answered yet. */
const CAPTURE_END_MARGIN = 4;
/** A client silent for less than this at the end of the capture may still be at work (iPXE's SLAAC wait is ~16 s). */
const STILL_AT_WORK = 20;

/** The NBP (or any file) counts as delivered: downloaded in the capture, or shown delivered by what the client did next. */
export function delivered(t: TransferRecord): boolean {
  return t.outcome === 'complete' || (t.outcome === 'not-captured' && t.deliveredBy !== undefined);
}

/** No OACK, DATA, ERROR or ICMP of this transfer is in the capture. */
function noReplySeen(t: TransferRecord): boolean {
  return t.firstReplyFrame === undefined && t.dataPackets === 0 && !t.error && t.icmpFrames.length === 0;
}

interface LaterStep {
  ts: number;
  frame: number;
  /** The NBP must have run to do this: a request for another file, or DHCP by the NBP or a loaded iPXE. */
  nbpRan: boolean;
}

/** What the client did after transfer `t` (its first later step), from its other transfers and DHCP rounds. */
function laterSteps(rec: ClientRecord, t: TransferRecord, all: TransferRecord[], attempt: AttemptRecord | undefined): LaterStep[] {
  const out: LaterStep[] = [];
  for (const x of all) {
    if (x === t || x.rrqTs <= t.rrqTs) continue;
    const sameFile = x.file === t.file || baseName(x.file) === baseName(t.file);
    // Another file from the same client address: a firmware retry never asks for anything but its boot file.
    out.push({ ts: x.rrqTs, frame: x.rrqFrame, nbpRan: !sameFile && !x.write && x.client === t.client && (attempt === undefined || firmwareRoundBetween(rec, attempt, t.rrqTs, x.rrqTs) === undefined) });
  }
  for (const a of rec.attempts) {
    if (a.firstTs <= t.rrqTs) continue;
    const first = Math.min(...[...a.discovers, ...a.requests].map((r) => r.frame), a.firstFrame);
    // DHCP without PXE options after the NBP request: the NBP's own (syslinux.efi, an OS loader). A
    // round of iPXE after firmware that was not iPXE: the NBP was an iPXE binary.
    const byNbp = !a.pxe || (a.ipxe && attempt !== undefined && !attempt.ipxe);
    out.push({ ts: a.firstTs, frame: first, nbpRan: byNbp && a.firstTs - t.rrqTs <= NBP_FOLLOW_UP });
  }
  return out.sort((x, y) => x.ts - y.ts);
}

/** A new firmware DHCP round (the firmware starting over) between two times. */
function firmwareRoundBetween(rec: ClientRecord, attempt: AttemptRecord, from: number, to: number): AttemptRecord | undefined {
  return rec.attempts.find((a) => a !== attempt && a.role === 'firmware' && a.pxe && a.firstTs > from && a.firstTs < to);
}

/**
 * Re-judge the client's transfers of which no reply is in the capture (run after settleTransfer on
 * each, so it is applied afresh at every settle). `now` is the capture end as known so far.
 */
export function inferUnseenReplies(rec: ClientRecord, all: TransferRecord[], now: number): void {
  for (const t of all) {
    t.deliveredBy = undefined;
    if (t.write || !noReplySeen(t)) continue;
    if (t.outcome !== 'no-response' && t.outcome !== 'capture-ended' && t.outcome !== 'not-captured') continue;
    const attempt = rec.attempts.find((a) => a.transfers.includes(t));
    const steps = laterSteps(rec, t, all, attempt);
    const ran = steps.find((s) => s.nbpRan);
    if (ran && (t.role === 'nbp' || ran.ts - t.rrqTs <= NBP_FOLLOW_UP)) {
      // Even after retransmitted RRQs: one of them was answered (a lossy path), since the client went on.
      t.outcome = 'not-captured';
      if (t.role === 'nbp') t.deliveredBy = ran.frame;
      continue;
    }
    // A single RRQ, never sent again, and the client did something else next: firmware repeats an
    // unanswered RRQ within seconds, so this one was answered (OACK, DATA or ERROR) out of sight.
    const next = steps[0];
    if (t.rrqRepeats.length === 0 && next !== undefined) t.outcome = 'not-captured';
    // The capture ended within a retry interval of the last RRQ, after at most one retry: the client
    // was still trying (firmware sends 4-6 RRQs before it gives up).
    else if (t.outcome === 'no-response' && t.rrqRepeats.length <= 1 && next === undefined && now - t.lastTs < CAPTURE_END_MARGIN) t.outcome = 'capture-ended';
  }
  // The NBP's own DHCP counts as such once the NBP is known to have been delivered.
  for (const a of rec.attempts) {
    if (a.role !== 'plain') continue;
    if (all.some((t) => t.deliveredBy !== undefined && t.rrqTs < a.firstTs)) a.role = 'nbp-dhcp';
  }
}

/** A gap in what the capture saw for one client. */
export interface BlindSpot {
  kind: 'tftp-replies-not-captured' | 'started-late' | 'ended-mid-exchange' | 'replies-to-client-not-seen';
  frames: number[];
  /** What was not seen, in a sentence. */
  detail: string;
  /** How to capture it next time. */
  howToCapture: string;
}

/** The capture filter that keeps a PXE boot whole: DHCP, proxyDHCP, TFTP and the TFTP server's replies. */
export function pxeCaptureFilter(servers: string[]): string {
  const hosts = [...new Set(servers.filter((s) => s && s !== ZERO_IP))];
  const extra = hosts.length ? ` or (udp and (${hosts.map((h) => `host ${h}`).join(' or ')}))` : ' or (udp and portrange 1024-65535)';
  return `udp port 67 or 68 or 69 or 4011${extra} or arp or icmp`;
}

/** What the capture could not see of this client, with the frames that show it. `captureEnd`: time of the last packet. */
export function blindSpots(rec: ClientRecord, all: TransferRecord[], captureEnd: number): BlindSpot[] {
  const out: BlindSpot[] = [];
  const unseen = all.filter((t) => t.outcome === 'not-captured');
  if (unseen.length > 0) {
    const servers = [...new Set(unseen.map((t) => t.server))];
    out.push({
      kind: 'tftp-replies-not-captured',
      frames: unseen.slice(0, 8).map((t) => t.rrqFrame),
      detail: `no OACK, DATA or ERROR of ${unseen.length} TFTP request${unseen.length > 1 ? 's' : ''} to ${servers.join(', ')} is in the capture, yet the client went on as answered: the server replies from an ephemeral port, which a filter on ports 67/68/69/4011 drops`,
      howToCapture: `capture filter "${pxeCaptureFilter(servers)}", or none`,
    });
  }
  // Started late: the client's first DHCP message is a REQUEST (its DISCOVER and the OFFER came
  // before the capture), or its first DISCOVER already says it has been trying for a while.
  const first = rec.attempts[0];
  if (first) {
    const msgs = [...first.discovers, ...first.requests].sort((x, y) => x.frame - y.frame);
    const m = msgs[0];
    if (m && m.messageType === 3 && first.discovers.length === 0 && m.ciaddr === ZERO_IP && first.pxe) {
      out.push({
        kind: 'started-late',
        frames: [m.frame],
        detail: 'the client\'s first DHCP message in the capture is a REQUEST: its DISCOVER and the OFFER it chose came before the capture started',
        howToCapture: 'start the capture before powering on the client (or before the link comes up)',
      });
    } else if (m && m.messageType === 1 && m.secs >= 8 && first.pxe) {
      out.push({
        kind: 'started-late',
        frames: [m.frame],
        detail: `the first DISCOVER in the capture says the client has been trying for ${m.secs} s (secs field): earlier DISCOVERs are not in the capture`,
        howToCapture: 'start the capture before powering on the client',
      });
    }
  } else if (rec.orphanTransfers.length > 0) {
    const t = rec.orphanTransfers[0]!;
    out.push({
      kind: 'started-late',
      frames: [t.rrqFrame],
      detail: 'the client\'s TFTP is in the capture but not the DHCP exchange that told it where to go',
      howToCapture: 'start the capture before powering on the client, with DHCP (udp port 67 or 68 or 4011) in the filter',
    });
  }
  // Replies the client got but the capture did not see: a REQUEST naming a server (option 54)
  // whose OFFER is missing, or a boot that went on (4011, TFTP) without a captured ACK.
  for (const a of rec.attempts) {
    const chosen = a.requests.find((r) => r.serverId !== undefined && r.messageType === 3 && !a.offers.some((o) => o.server === r.serverId));
    const unseenAck = a.acks.length === 0 && a.requests.some((r) => r.messageType === 3) && (a.transfers.length > 0 || a.proxyRequests.length > 0);
    if ((chosen && a.discovers.length > 0) || unseenAck) {
      const frames = chosen ? [a.discovers[0]!.frame, chosen.frame] : [a.requests[0]!.frame];
      out.push({
        kind: 'replies-to-client-not-seen',
        frames,
        detail: chosen
          ? `the client's REQUEST chooses server ${chosen.serverId}, whose OFFER is not in the capture: replies sent to the client were not seen from here (another switch port, or a filter)`
          : 'the client went on to the boot server without a captured ACK: replies sent to the client were not seen from here (another switch port, or a filter)',
        howToCapture: 'capture on the client\'s own port (a SPAN/mirror of it, or a hub/tap between client and switch), or on the DHCP server itself',
      });
      break;
    }
  }
  // Ended mid-exchange: a transfer still running, or the client's last request unanswered, at the end.
  const running = all.filter((t) => t.outcome === 'capture-ended');
  if (running.length > 0) {
    const t = running[running.length - 1]!;
    out.push({
      kind: 'ended-mid-exchange',
      frames: [t.rrqFrame, t.lastFrame],
      detail: `the capture ended ${(captureEnd - t.lastTs).toFixed(1)} s after the last packet of the TFTP transfer of ${t.file}, before it could finish or time out`,
      howToCapture: 'let the capture run until the client shows its result (a boot prompt, an OS, or an error)',
    });
  } else if (!all.some((t) => t.role === 'nbp' && delivered(t))) {
    const last = rec.attempts[rec.attempts.length - 1];
    const reqs = last ? [...last.discovers, ...last.requests].sort((x, y) => x.frame - y.frame) : [];
    const r = reqs[reqs.length - 1];
    const answered = last !== undefined && (last.acks.some((x) => x.yiaddr !== ZERO_IP) || last.proxyRequests.some((p) => p.answer));
    if (last && last.pxe && answered && !last.proxyRequests.some((p) => !p.answer) && last.transfers.length === 0 && captureEnd - rec.lastTs < STILL_AT_WORK) {
      // Boot information received, no TFTP yet, and the end came soon after: iPXE waits ~16 s for
      // IPv6 router advertisements between its ACK and its first RRQ.
      out.push({
        kind: 'ended-mid-exchange',
        frames: [rec.lastFrame],
        detail: `the client had its address and boot information, and the capture ended ${(captureEnd - rec.lastTs).toFixed(1)} s later, before it asked for its boot file`,
        howToCapture: 'let the capture run until the client shows its result (a boot prompt, an OS, or an error)',
      });
    } else if (last && last.pxe && r && r.repeatFrames.length === 0 && captureEnd - r.ts < CAPTURE_END_MARGIN && !last.offers.some((o) => o.ts >= r.ts) && !last.acks.some((o) => o.ts >= r.ts)) {
      // The last DHCP message, sent once, and the capture ended before an answer or a retry could come.
      out.push({
        kind: 'ended-mid-exchange',
        frames: [r.frame],
        detail: `the capture ended ${(captureEnd - r.ts).toFixed(1)} s after the client's last DHCP message, before it could be answered or retried`,
        howToCapture: 'let the capture run until the client shows its result (a boot prompt, an OS, or an error)',
      });
    }
  }
  return out;
}
