/**
 * Spanning-tree BPDUs in the capture (issue 22): a switch port running spanning tree without
 * PortFast / edge mode sends them, and drops the client's frames for 2 x forward delay (30 s by
 * default) after the link comes up, longer than many PXE ROMs wait for an offer. One summary per
 * capture; each client is handed the summary when it is reported.
 */
import type { StpEvent } from '../../decode/events.js';
import { BPDU_TCN, BpduFlag, bpduPortState } from '../../decode/stp.js';
import type { StpSummary } from './types.js';

const MAX_FRAMES = 8;

export function recordBpdu(summary: StpSummary | undefined, ev: StpEvent): StpSummary {
  const b = ev.bpdu;
  const m = ev.meta;
  const s: StpSummary = summary ?? {
    count: 0,
    firstFrame: m.frame,
    firstTs: m.ts,
    lastFrame: m.frame,
    lastTs: m.ts,
    frames: [],
    interfaceId: m.interfaceId,
    version: b.version,
    topologyChangeFrames: [],
  };
  s.count++;
  s.lastFrame = m.frame;
  s.lastTs = m.ts;
  if (s.frames.length < MAX_FRAMES) s.frames.push(m.frame);
  if (b.forwardDelay !== undefined) s.forwardDelay = b.forwardDelay;
  if (m.srcMac !== undefined) s.portMac ??= m.srcMac;
  if ((b.type === BPDU_TCN || ((b.flags ?? 0) & BpduFlag.TopologyChange) !== 0) && s.topologyChangeFrames.length < MAX_FRAMES) s.topologyChangeFrames.push(m.frame);
  const state = bpduPortState(b);
  if (state !== undefined) s.lastState = state;
  return s;
}
