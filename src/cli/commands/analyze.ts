/**
 * `pxe-doctor analyze CAPTURE [--json] [--client MAC] [--fail-on error|warning|never] [--timeline]`
 * Exit codes: 0 nothing at or above the threshold, 1 findings at or above it, 2 bad usage or unreadable input.
 */
import type { Command } from 'commander';
import { UserError, ExitCode } from '../errors.js';
import { endQuietlyWhenStdoutCloses, setExitCode } from '../exit.js';
import { colorOption, helpFooter, INTERNAL_EXIT, wantColor } from '../help.js';
import type { Finding, Severity } from '../../diagnose/finding.js';
import { severityRank } from '../../diagnose/finding.js';
import type { ClientJson } from '../../report/schema.js';

interface AnalyzeCliOptions {
  json?: boolean;
  client?: string;
  failOn: string;
  timeline?: boolean;
  color?: boolean | string;
  read?: string;
  diagram?: boolean;
  html?: string;
  width?: string;
  redact?: boolean;
  keepOui?: boolean;
}

const FAIL_ON = ['error', 'warning', 'never'];

export function register(program: Command): void {
  program
    .command('analyze')
    .description("reconstruct every client's PXE exchange in a capture and say why it failed (pcap/pcapng, .gz, '-' = stdin)")
    .argument('[capture...]', "capture file (pcap, pcapng, gzipped or not), or '-' for stdin; several files or a directory (ring buffer) are read as one capture in time order")
    .option('-r, --read <file>', 'the capture file, as tcpdump and tshark take it (same as the CAPTURE argument)')
    .option('--json', 'print the analysis as JSON (schema in docs/analyze.md)')
    .option('--client <mac>', 'report only this client (MAC address)')
    .option('--fail-on <severity>', 'exit 1 when a finding at or above this severity exists: error, warning or never', 'error')
    .option('--timeline', 'text report: also print each client timeline')
    .option('--width <columns>', 'fit the text report and the diagram in this many columns (default: the terminal\'s, 100 when piped)')
    .option('--color <when>', 'colour the text report and the diagram: auto (a terminal, unless NO_COLOR), always (also FORCE_COLOR=1), never')
    .option('--no-color', 'no colours (= --color never)')
    .option('--diagram', 'draw a ladder diagram of each client instead of the text report (docs/pictures.md)')
    .option('--html <file>', "also write a self-contained HTML report: summary, SVG sequence diagrams, findings, timeline ('-' = to stdout, instead of the text report)")
    .option('--redact', 'report with MACs, addresses, GUIDs, host names and file paths replaced by pseudonyms (docs/redact.md)')
    .option('--keep-oui', 'with --redact: keep the vendor part (OUI) of MAC addresses')
    .addHelpText(
      'after',
      helpFooter(
        [
          'pxe-doctor analyze boot.pcap',
          'pxe-doctor boot.pcap --client 52:54:00:12:34:56 --diagram',
          'pxe-doctor -r boot.pcapng --json | jq .clients[].verdict',
          'tcpdump -i eth0 -U -w - udp | pxe-doctor -   # TFTP data uses other ports than 69: capture all UDP',
          'pxe-doctor boot.pcap --html report.html --fail-on never',
        ],
        [
          [0, 'no finding at or above --fail-on (default: error)'],
          [1, 'a finding at or above --fail-on'],
          [2, 'bad usage, an unreadable capture, or a --client that is not in the capture (the clients seen are listed)'],
          INTERNAL_EXIT,
        ],
      ),
    )
    .action(async (captureArgs: string[], opts: AnalyzeCliOptions, cmd: Command) => {
      if (captureArgs.length > 0 && opts.read !== undefined) throw new UserError(`give the capture once: "${captureArgs.join(' ')}" or -r ${opts.read}; see pxe-doctor analyze --help`);
      const captures = captureArgs.length > 0 ? captureArgs : opts.read !== undefined ? [opts.read] : [];
      if (captures.length === 0) throw new UserError("no capture given: pxe-doctor analyze CAPTURE (or -r CAPTURE, or '-' for stdin); see pxe-doctor analyze --help");
      if (colorOption(opts.color) === undefined && opts.color !== undefined) throw new UserError(`--color must be auto, always or never, not "${String(opts.color)}"`);
      if (opts.html === '-' && opts.json) throw new UserError('--html - and --json both write to stdout: give --html a file name');
      // Several files, or a directory of them: one capture merged by time (docs/capture.md, "Several files").
      const { isDirectory } = await import('../../capture/multi.js');
      const capture: string | string[] = captures.length === 1 && !isDirectory(captures[0]!) ? captures[0]! : captures;
      const label = Array.isArray(capture) ? capture.join(' ') : capture;
      if (!FAIL_ON.includes(opts.failOn)) throw new UserError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${opts.failOn}"`);
      if (opts.json && opts.diagram) throw new UserError('--diagram draws for a person; it does not go with --json');
      let width: number | undefined;
      if (opts.width !== undefined) {
        width = Number(opts.width);
        if (!/^\d+$/.test(opts.width) || width < 40) throw new UserError(`--width must be a number of columns, at least 40, not "${opts.width}"`);
      }
      const tty = process.stdout.isTTY === true;
      const columns = width ?? (tty && process.stdout.columns ? process.stdout.columns : 100);
      endQuietlyWhenStdoutCloses();
      const { normalizeMac, analyzeCapture } = await import('../../pipeline.js');
      let client: string | undefined;
      if (opts.client !== undefined) {
        client = normalizeMac(opts.client);
        if (!client) throw new UserError(`--client: "${opts.client}" is not a MAC address (e.g. 52:54:00:12:34:56)`);
      }
      if (opts.keepOui && !opts.redact) throw new UserError('--keep-oui goes with --redact');
      // --redact: frames are redacted before the analysis sees them, so every MAC, address and
      // name in the report (findings' texts included) is a pseudonym (docs/redact.md).
      const redact = opts.redact ? await import('../../redact/run.js') : undefined;
      const pseudonyms = redact ? new redact.Pseudonyms({ keepOui: opts.keepOui === true }) : undefined;
      if (pseudonyms && client) client = Array.from(pseudonyms.mac(Uint8Array.from(client.split(':').map((h) => parseInt(h, 16)))), (x) => x.toString(16).padStart(2, '0')).join(':');
      const { CaptureFormatError } = await import('../../capture/errors.js');
      const { captureProgress } = await import('../../capture/progress.js');
      // A progress bar on stderr for big files, only when stderr is a terminal.
      const bar = captureProgress({ label });
      // --json alone streams: each client is written once it is finished, then forgotten, so
      // memory follows the clients in flight, not the clients in the capture (docs/performance.md).
      const stream = opts.json && opts.html === undefined ? new (await import('../../report/json-stream.js')).JsonReportWriter((s) => process.stdout.write(s)) : undefined;
      // The plain text report prints no timeline: each client is kept without it (most of a
      // client's weight), so a report of thousands of clients fits in far less memory.
      const lean = !opts.json && !opts.diagram && !opts.timeline && opts.html === undefined;
      if (opts.html === '-' && opts.diagram) throw new UserError('--html - and --diagram both write to stdout: give --html a file name');
      const { textClient, TextClients } = await import('../../report/text.js');
      // Kept up to the table's rows per group, the rest counted by verdict (a flood of MACs).
      const leanClients = new TextClients();
      let analysis;
      try {
        analysis = await analyzeCapture(capture, {
          client,
          ...(stream ? { onClient: (c: ClientJson) => stream.client(c) } : {}),
          ...(lean ? { onClient: (c: ClientJson, findings: readonly Finding[]) => leanClients.push(c, findings) } : {}),
          ...(bar ? { onProgress: (n: number, t?: number) => bar.update(n, t) } : {}),
          ...(redact && pseudonyms ? { wrapSink: (s: import('../../capture/frame.js').FrameSink) => redact.redactingSink(s, pseudonyms) } : {}),
        });
        if (pseudonyms) {
          analysis.capture.file = pseudonyms.path(analysis.capture.file);
          // Warnings about one of several files name it: the same pseudonym there.
          for (const f of analysis.capture.files ?? []) analysis.capture.warnings = analysis.capture.warnings.map((w) => w.split(f.file).join(pseudonyms.path(f.file)));
          for (const f of analysis.capture.files ?? []) f.file = pseudonyms.path(f.file);
          for (const f of analysis.findings) for (const e of f.files ?? []) e.file = pseudonyms.path(e.file);
        }
      } catch (err) {
        if (err instanceof CaptureFormatError) throw new UserError(err.message);
        throw err;
      } finally {
        bar?.done();
      }
      // Streamed clients arrive in the report's order (first frame), the lean ones too.
      const reported = (stream ? stream.clientCount : 0) + leanClients.count + analysis.clients.length;
      if (client && reported === 0) {
        // The MAC asked for is not there: say which clients are (a second, lean pass over the file).
        let seen: string[] = [];
        if (capture !== '-') {
          const macs: string[] = [];
          await analyzeCapture(capture, { onClient: (c: ClientJson) => void macs.push(c.mac) }).then((a) => macs.push(...a.clients.map((c) => c.mac)));
          seen = [...new Set(macs)];
        }
        const list = seen.length === 0 ? (capture === '-' ? '' : '; no client at all in it') : `; clients seen: ${seen.slice(0, 20).join(', ')}${seen.length > 20 ? `, ... (${seen.length} in all)` : ''}`;
        throw new UserError(`client ${client} is not in this capture${list}`);
      }
      if (opts.html === '-') {
        const { renderHtml } = await import('../../report/html.js');
        process.stdout.write(renderHtml(analysis, { generator: 'pxe-doctor' }));
      } else if (opts.html !== undefined) {
        const { writeHtmlReport } = await import('../../report/html.js');
        writeHtmlReport(opts.html, analysis, (message) => new UserError(message));
      }
      const color = wantColor(opts.color, tty);
      if (opts.html === '-') {
        // The HTML went to stdout: nothing else goes there.
      } else if (opts.diagram) {
        const { renderDiagram, terminalIsUtf8 } = await import('../../report/diagram.js');
        const diagramWidth = width ?? (tty ? process.stdout.columns : undefined);
        process.stdout.write(renderDiagram(analysis, { unicode: terminalIsUtf8(process.env, tty), color, width: diagramWidth }));
        if (opts.timeline) {
          // Both pictures asked for: the ladders, then each client's timeline as text.
          const { timelineLines } = await import('../../report/text.js');
          process.stdout.write(`${timelineLines(analysis.clients, Math.min(diagramWidth ?? 100, 100)).join('\n')}\n`);
        }
      } else if (stream) {
        stream.end(analysis);
      } else if (opts.json) {
        const { renderJson } = await import('../../report/index.js');
        process.stdout.write(renderJson(analysis));
      } else {
        const { renderText } = await import('../../report/index.js');
        const clients = lean ? [...leanClients.kept, ...analysis.clients.map(textClient)] : analysis.clients;
        process.stdout.write(renderText({ ...analysis, clients, unlisted: lean ? leanClients.unlisted : [] }, { color, timeline: opts.timeline, width: columns }));
      }
      let code: number = ExitCode.Ok;
      if (opts.failOn !== 'never') {
        const threshold = severityRank[opts.failOn as Severity];
        if (analysis.findings.some((f) => severityRank[f.severity] >= threshold)) code = ExitCode.Findings;
      }
      setExitCode(cmd, code);
    });
}
