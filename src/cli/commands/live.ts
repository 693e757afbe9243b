/**
 * `pxe-doctor live -i IFACE`: sniff an interface (a mirror port, or the PXE server's own) and show
 * each client's boot as it happens, findings the moment they are certain, and the `analyze` summary
 * at the end (Ctrl-C, SIGTERM, --duration, --count).
 */
import type { Command } from 'commander';
import { helpFooter, INTERNAL_EXIT, wantColor } from '../help.js';
import { setExitCode } from '../exit.js';
import { ExitCode, UserError } from '../errors.js';

interface LiveCliOptions {
  interface?: string;
  listInterfaces?: boolean;
  filter?: string;
  duration?: string;
  count?: string;
  write?: string;
  json?: boolean;
  captureTool?: string;
  client?: string;
  failOn: string;
  settle: string;
  snaplen?: string;
  color?: boolean;
  metrics?: string;
  saveFailures?: string;
}

const FAIL_ON = ['error', 'warning', 'never'];

function positiveNumber(value: string, what: string, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UserError(`${what} must be a ${integer ? 'whole number' : 'number of seconds'} > 0, not "${value}"`);
  }
  return n;
}

export function register(program: Command): void {
  program
    .command('live')
    .description('watch PXE clients boot on an interface, with findings as they happen (needs root or cap_net_raw)')
    .option('-i, --interface <name>', 'interface to capture on (a mirror port, or the PXE server\'s); "any" for all')
    .option('--list-interfaces', 'list interfaces with state, MTU and addresses, and exit')
    .option('--filter <bpf>', 'extra capture filter (pcap-filter syntax), and-ed with the boot-traffic filter')
    .option('--duration <seconds>', 'stop after this many seconds')
    .option('--count <packets>', 'stop after this many captured packets')
    .option('--write <file>', 'also save the raw capture (pcapng; classic pcap when the name ends in .pcap)')
    .option('--json', 'NDJSON: one {"type":"start"|"event"|"finding"|"warning"|"summary"} object per line')
    .option('--client <mac>', 'show and report only this client (MAC address)')
    .option('--settle <seconds>', "print a client's findings once it has been quiet this long (shorter: sooner, but may be premature)", '15')
    .option('--fail-on <severity>', 'exit 1 when a finding at or above this severity exists: error, warning or never', 'error')
    .option('--no-color', 'no colors')
    .option('--snaplen <bytes>', 'bytes kept per packet, 0 = whole packets (default: interface MTU + link headers)')
    .option('--capture-tool <tool>', 'tcpdump, dumpcap, or a path to one of them (default: tcpdump, else dumpcap)')
    .option('--metrics <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (docs/live.md)')
    .option('--save-failures <dir>', "write each failed client's boot to DIR/<MAC>-<time>.pcapng (as `extract` does)")
    .addHelpText(
      'after',
      helpFooter(
        ['pxe-doctor live --list-interfaces', 'sudo pxe-doctor live -i eth0 --write boot.pcapng', 'sudo pxe-doctor live -i eth0 --client 52:54:00:12:34:56 --duration 120 --json'],
        [[0, 'no finding at or above --fail-on'], [1, 'a finding at or above --fail-on'], [2, 'bad usage, or the capture could not start (no permission, no such interface)'], INTERNAL_EXIT],
      ),
    )
    .action(async (o: LiveCliOptions, cmd: Command) => {
      setExitCode(cmd, await runLive(o));
    });
}

async function runLive(o: LiveCliOptions): Promise<number> {
  const { listInterfaces, formatInterfaceTable } = await import('../../live/interfaces.js');
  if (o.listInterfaces) {
    const list = listInterfaces();
    process.stdout.write(o.json ? JSON.stringify(list) + '\n' : formatInterfaceTable(list));
    return ExitCode.Ok;
  }
  if (!o.interface) {
    const names = listInterfaces()
      .map((i) => i.name)
      .join(', ');
    throw new UserError(`live needs an interface: pxe-doctor live -i IFACE (available: ${names || 'none found'})`);
  }
  if (!FAIL_ON.includes(o.failOn)) throw new UserError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${o.failOn}"`);
  const durationSec = o.duration !== undefined ? positiveNumber(o.duration, '--duration', false) : undefined;
  const settleSec = positiveNumber(o.settle, '--settle', false);
  let snaplen: number | undefined;
  if (o.snaplen !== undefined) {
    snaplen = Number(o.snaplen);
    if (!Number.isInteger(snaplen) || snaplen < 0 || snaplen > 262_144) {
      throw new UserError(`--snaplen must be 0 (whole packets) or a byte count up to 262144, not "${o.snaplen}"`);
    }
  }
  let client: string | undefined;
  if (o.client !== undefined) {
    const { normalizeMac } = await import('../../pipeline.js');
    client = normalizeMac(o.client);
    if (!client) throw new UserError(`--client: "${o.client}" is not a MAC address (e.g. 52:54:00:12:34:56)`);
  }
  const count = o.count !== undefined ? positiveNumber(o.count, '--count', true) : undefined;

  const [{ startLiveSession }, { LiveError }, out, { severityRank }] = await Promise.all([
    import('../../live/session.js'),
    import('../../live/errors.js'),
    import('../../live/output.js'),
    import('../../diagnose/finding.js'),
  ]);
  const json = o.json === true;
  // --metrics and --save-failures (docs/live.md): loaded only when asked for.
  const fleet = await import('../../live/fleet.js');
  let extras: Awaited<ReturnType<typeof fleet.startFleetOutputs>>;
  try {
    extras = await fleet.startFleetOutputs({
      ...(o.metrics !== undefined ? { metrics: o.metrics } : {}),
      ...(o.saveFailures !== undefined ? { saveFailures: o.saveFailures } : {}),
      onSaved: (saved) => (json ? write(out.ndjsonSaved(saved) + '\n') : process.stderr.write(`pxe-doctor: saved ${saved.client} (${saved.verdict}) to ${saved.file}\n`)),
      onWarning: (m) => (json ? write(out.ndjsonWarning(m) + '\n') : process.stderr.write(`pxe-doctor: warning: ${m}\n`)),
    });
  } catch (err) {
    if (err instanceof LiveError) throw new UserError(err.message);
    throw err;
  }
  const color = wantColor(o.color, process.stdout.isTTY === true);
  // stdout may be a pipe that closes (| head): stop capturing instead of dying on EPIPE.
  let stdoutClosed = false;
  const write = (s: string) => {
    if (!stdoutClosed) process.stdout.write(s);
  };

  const session = startLiveSession({
    iface: o.interface,
    ...(o.filter !== undefined ? { userFilter: o.filter } : {}),
    ...(durationSec !== undefined ? { durationSec } : {}),
    ...(count !== undefined ? { count } : {}),
    ...(o.write !== undefined ? { writePath: o.write } : {}),
    ...(o.captureTool !== undefined ? { captureTool: o.captureTool } : {}),
    ...(client !== undefined ? { client } : {}),
    settleSec,
    ...(snaplen !== undefined ? { snaplen } : {}),
    // The text summary reads little of each client: keep only that (bounded, whatever the session's length).
    textSummary: !json,
    ...extras.hooks,
    onClientDone: (c) => {
      extras.hooks.onClientDone?.(c);
      if (json) write(out.ndjsonClient(c) + '\n');
    },
    onStart: (s) => {
      extras.started(s);
      if (json) write(out.ndjsonStart(s) + '\n');
      else {
        process.stderr.write(out.describeStart(s, o.filter) + '\n');
        const m = extras.metricsAddress;
        if (m) process.stderr.write(`Prometheus metrics at http://${m.host.includes(':') ? `[${m.host}]` : m.host}:${m.port}/metrics\n`);
        if (o.saveFailures !== undefined) process.stderr.write(`failed boots are saved to ${o.saveFailures}\n`);
      }
    },
    onEvent: (e) => {
      extras.event(e);
      write((json ? out.ndjsonEvent(e) : out.formatEventLine(e)) + '\n');
    },
    onFinding: (f, ts) => {
      extras.finding(f);
      write(json ? out.ndjsonFinding(f, ts) + '\n' : out.formatFindingBlock(f, ts, color));
    },
    onWarning: (m) => {
      if (json) write(out.ndjsonWarning(m) + '\n');
      else process.stderr.write(`pxe-doctor: warning: ${m}\n`);
    },
  });

  // First Ctrl-C/SIGTERM: stop capturing, flush, summarize. A second Ctrl-C: give up at once.
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) session.stop('signal');
    else process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  const onStdoutError = () => {
    // EPIPE (the reader went away) or any other write failure: nobody can see the output any more.
    stdoutClosed = true;
    session.stop('signal');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', onStdoutError);

  try {
    const r = await session.result.catch(async (err: unknown) => {
      await extras.close();
      throw err;
    });
    extras.ended(r);
    await extras.close();
    if (client && r.analysis.clients.length + (r.textClients?.count ?? 0) === 0) r.analysis.capture.warnings.push(`client ${client} was not seen`);
    if (json) {
      write(out.ndjsonSummary(r) + '\n');
    } else {
      const { renderText } = await import('../../report/text.js');
      const t = r.textClients;
      write('\n' + renderText(t ? { ...r.analysis, clients: t.kept, unlisted: t.unlisted } : r.analysis, { color, width: process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 100 }));
      process.stderr.write(out.describeEnd(r) + '\n');
    }
    if (o.failOn === 'never') return ExitCode.Ok;
    const threshold = severityRank[o.failOn as keyof typeof severityRank];
    return r.analysis.findings.some((f) => severityRank[f.severity] >= threshold) ? ExitCode.Findings : ExitCode.Ok;
  } catch (err) {
    if (err instanceof LiveError) throw new UserError(err.message);
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.stdout.off('error', onStdoutError);
  }
}
