/**
 * `pxe-doctor redact IN OUT`: a capture with every address, GUID, host name and file path replaced
 * by a consistent pseudonym (docs/redact.md). The frames keep their number, time and length;
 * pcapng interfaces are carried over.
 */
import type { Frame, FrameSink } from '../capture/frame.js';
import { readCapture } from '../capture/open.js';
import { captureFiles, readCaptures } from '../capture/multi.js';
import { PcapngWriter } from '../capture/pcapng-writer.js';
import type { CaptureOutputTarget } from '../capture/output.js';
import { FrameRedactor } from './packet.js';
import { Pseudonyms, type PseudonymOptions } from './pseudonyms.js';

export { Pseudonyms } from './pseudonyms.js';
export { FrameRedactor } from './packet.js';

/**
 * A FrameSink that redacts each record before handing it on (`analyze --redact` reads through it):
 * the next sink's select() and frame() see only the redacted copy.
 */
export function redactingSink(next: FrameSink, pseudonyms: Pseudonyms | PseudonymOptions = {}): FrameSink {
  const r = new FrameRedactor(pseudonyms instanceof Pseudonyms ? pseudonyms : new Pseudonyms(pseudonyms));
  let copy: Uint8Array = new Uint8Array(0);
  return {
    select(data, start, end, linkType, clock, index, interfaceId) {
      copy = r.redact(data.subarray(start, end), linkType);
      return next.select === undefined || next.select(copy, 0, copy.length, linkType, clock, index, interfaceId);
    },
    frame(f: Frame) {
      f.data = copy;
      next.frame(f);
    },
    ...(next.warning ? { warning: (w) => next.warning!(w) } : {}),
  };
}

export async function redactCapture(input: string | string[], out: CaptureOutputTarget, opts: PseudonymOptions = {}): Promise<{ frames: number }> {
  let writer: PcapngWriter | undefined;
  const ifaces = new Map<string, number>();
  const sink = redactingSink(
    {
      frame(f: Frame) {
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
    },
    opts,
  );
  const summary = Array.isArray(input) ? await readCaptures(captureFiles(input), sink) : await readCapture(input, sink);
  writer ??= new PcapngWriter(out, summary.linkTypes[0] ?? 1);
  await writer.close();
  return { frames: summary.frames };
}
