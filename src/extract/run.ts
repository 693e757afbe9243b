/**
 * `pxe-doctor extract`: one client's boot out of a capture, into a pcapng file that Wireshark
 * reads and pxe-doctor analyses to the same verdict (docs/extract.md).
 *
 * Two passes over the input: the analysis of that client (its frame window, its HTTP boot URLs, its
 * verdict), then a read that keeps the frames ClientFrameSelector accepts. pcapng interfaces are
 * carried over (a capture of both sides of a relay stays two interfaces).
 */
import type { Frame, FrameSink } from '../capture/frame.js';
import { readCapture } from '../capture/open.js';
import { captureFiles, readCaptures } from '../capture/multi.js';
import { PcapngWriter } from '../capture/pcapng-writer.js';
import type { CaptureOutputTarget } from '../capture/output.js';
import { analyzeCapture } from '../pipeline.js';
import type { AnalysisJson, ClientJson } from '../report/schema.js';
import { ClientFrameSelector } from './select.js';

export interface ExtractResult {
  /** The client's entries in the analysis of the input (one per session). */
  clients: ClientJson[];
  analysis: AnalysisJson;
  /** Frames read and frames written. */
  frames: number;
  kept: number;
}

/** TCP ports of the client's HTTP boot URLs (`http://host:8080/x` -> 8080). */
function urlPorts(clients: ClientJson[]): number[] {
  const ports: number[] = [];
  for (const c of clients) {
    for (const o of c.offers) {
      const m = /^https?:\/\/(?:\[[^\]]*\]|[^/:]*):(\d+)/i.exec(o.bootFile ?? '');
      if (m) ports.push(Number(m[1]));
    }
  }
  return ports;
}

/**
 * Copy the frames of `clients`' boot (already analysed: their firstFrame/lastFrame) from `input`
 * to `out`. Returns frames read and kept. `frameOffset` is added to the frame numbers of `input`
 * to get those of the analysis (live: spool files that start at a later frame of the run).
 */
export async function writeClientFrames(
  input: string | string[],
  mac: string,
  clients: ClientJson[],
  out: CaptureOutputTarget,
  frameOffset = 0,
): Promise<{ frames: number; kept: number }> {
  const selector = new ClientFrameSelector({
    mac,
    firstFrame: Math.min(...clients.map((c) => c.firstFrame)),
    lastFrame: Math.max(...clients.map((c) => c.lastFrame)),
    httpPorts: urlPorts(clients),
  });
  let writer: PcapngWriter | undefined;
  /** Input (interface, link type) -> output interface id. */
  const ifaces = new Map<string, number>();
  const sink: FrameSink = {
    frame(f: Frame) {
      f.index += frameOffset;
      if (!selector.accept(f)) return;
      const key = `${f.interfaceId}/${f.linkType}`;
      let id = ifaces.get(key);
      if (writer === undefined) {
        writer = new PcapngWriter(out, f.linkType);
        id = 0;
        ifaces.set(key, id);
      } else if (id === undefined) {
        id = writer.addInterface(f.linkType);
        ifaces.set(key, id);
      }
      writer.write(f.ts, f.data, f.origLen, id);
    },
  };
  const summary = Array.isArray(input) ? await readCaptures(captureFiles(input), sink) : await readCapture(input, sink);
  // A client with no frame at all cannot happen (it was found in the analysis); an empty file still gets its headers.
  writer ??= new PcapngWriter(out, summary.linkTypes[0] ?? 1);
  await writer.close();
  return { frames: summary.frames, kept: selector.kept };
}

/** Analyse `input` for `mac`, then write its boot to `out`. No client: `clients` is empty and nothing is written. */
export async function extractClient(input: string | string[], mac: string, out: CaptureOutputTarget): Promise<ExtractResult> {
  const analysis = await analyzeCapture(input, { client: mac });
  const clients = analysis.clients.filter((c) => c.mac === mac);
  if (clients.length === 0) return { clients, analysis, frames: analysis.capture.frames, kept: 0 };
  const { frames, kept } = await writeClientFrames(input, mac, clients, out);
  return { clients, analysis, frames, kept };
}
