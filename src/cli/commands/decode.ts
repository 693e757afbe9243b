/**
 * `pxe-doctor decode CAPTURE`: one line per DHCP / TFTP / ICMP-unreachable frame (tshark-style
 * summary), or with --json one NDJSON record per frame (keys in docs/decode.md).
 */
import type { Command } from 'commander';
import { helpFooter, INTERNAL_EXIT, USAGE_EXIT } from '../help.js';
import { readCapture } from '../../capture/open.js';
import { CaptureFormatError } from '../../capture/errors.js';
import type { Frame } from '../../capture/frame.js';
import { Dissector } from '../../decode/dissect.js';
import type { PacketEvent } from '../../decode/events.js';
import { decodeLine, decodeRecord } from '../../report/decode-line.js';
import { UserError } from '../errors.js';
import { endQuietlyWhenStdoutCloses, setExitCode } from '../exit.js';

interface DecodeOptions {
  json?: boolean;
  stats?: boolean;
}

/** Batches output: one write per ~64 KB instead of one per line. */
class Out {
  private buf: string[] = [];
  private size = 0;
  write(line: string): void {
    this.buf.push(line);
    this.size += line.length + 1;
    if (this.size >= 65536) this.flush();
  }
  flush(): void {
    if (this.buf.length === 0) return;
    process.stdout.write(this.buf.join('\n') + '\n');
    this.buf = [];
    this.size = 0;
  }
}

export async function runDecode(input: string, opts: DecodeOptions): Promise<number> {
  const out = new Out();
  const dissector = new Dissector({ onWarning: (m) => process.stderr.write(`pxe-doctor: warning: ${m}\n`) });
  let t0: number | undefined;
  const emit = (ev: PacketEvent): void => {
    const base = t0 ?? ev.meta.ts;
    out.write(opts.json ? JSON.stringify(decodeRecord(ev, base)) : decodeLine(ev, base));
  };
  endQuietlyWhenStdoutCloses();
  let summary;
  try {
    summary = await readCapture(input, {
      frame(f: Frame) {
        if (t0 === undefined) t0 = f.ts;
        const ev = dissector.dissect(f);
        if (ev) emit(ev);
        for (const side of dissector.drain()) emit(side);
      },
      warning(w) {
        out.flush();
        process.stderr.write(`pxe-doctor: warning: ${w.message} (frame ${w.frame}, byte offset ${w.offset})\n`);
      },
    });
  } catch (e) {
    out.flush();
    if (e instanceof CaptureFormatError) throw new UserError(e.message);
    throw e;
  }
  for (const ev of dissector.flush()) emit(ev);
  out.flush();
  if (opts.stats) {
    const s = dissector.stats;
    process.stderr.write(
      `${summary.frames} frames (${summary.format}): ${s.dhcp} DHCP, ${s.tftp} TFTP, ${s.icmpUnreachable} ICMP unreachable, ` +
        `${s.malformed} malformed, ${s.ipv6} IPv6, ${s.fragments} IPv4 fragments (${s.reassembled} datagrams reassembled, ${s.fragmentProblems} problems)` +
        // docs/ipv6-http-bsdp.md: DHCPv6, router discovery, HTTP boot.
        `; ${s.dhcp6} DHCPv6, ${s.routerSolicitations} router solicitations, ${s.routerAdvertisements} router advertisements, ${s.httpSegments} HTTP boot TCP segments\n`,
    );
  }
  return 0;
}

export function register(program: Command): void {
  program
    .command('decode')
    .description('print every DHCP, DHCPv6, TFTP, HTTP-boot and ICMP-unreachable frame of a capture (pcap, pcapng, .gz, - for stdin)')
    .argument('[capture]', "capture file, or '-' for stdin")
    .option('-r, --read <file>', 'the capture file, as tcpdump and tshark take it (same as the CAPTURE argument)')
    .option('--json', 'one JSON object per frame (NDJSON); keys are stable, see docs/decode.md')
    .option('--stats', 'print a one-line count of what was decoded to stderr')
    .addHelpText(
      'after',
      helpFooter(
        ['pxe-doctor decode boot.pcap', 'pxe-doctor decode -r boot.pcapng --json | jq -c \'select(.proto == "tftp")\'', 'gzip -dc boot.pcap.gz | pxe-doctor decode - --stats'],
        [[0, 'the capture was read (whatever it holds)'], USAGE_EXIT, INTERNAL_EXIT],
      ),
    )
    .action(async (captureArg: string | undefined, opts: DecodeOptions & { read?: string }, cmd: Command) => {
      if (captureArg !== undefined && opts.read !== undefined) throw new UserError(`give the capture once: "${captureArg}" or -r ${opts.read}; see pxe-doctor decode --help`);
      const capture = captureArg ?? opts.read;
      if (capture === undefined) throw new UserError("no capture given: pxe-doctor decode CAPTURE (or -r CAPTURE, or '-' for stdin); see pxe-doctor decode --help");
      setExitCode(cmd, await runDecode(capture, opts));
    });
}
