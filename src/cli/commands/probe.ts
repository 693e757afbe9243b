/**
 * `pxe-doctor probe -i IFACE [--arch bios|efi64|...]... [--timeout S] [--tftp size|full] [--request]
 * [--mac MAC|interface] [--write FILE.pcapng] [--json]`: act as a PXE client and say, per
 * architecture, whether it would boot. See docs/probe.md.
 * Exit codes: 0 every probed architecture would boot, 1 at least one would not, 2 bad usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { helpFooter, INTERNAL_EXIT, wantColor } from '../help.js';
import { UserError, ExitCode } from '../errors.js';
import { setExitCode } from '../exit.js';

interface ProbeCliOptions {
  interface?: string;
  arch?: string[];
  mac?: string;
  timeout: string;
  tftp: string;
  request?: boolean;
  write?: string;
  json?: boolean;
  diagram: boolean;
  color?: boolean;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function register(program: Command): void {
  program
    .command('probe')
    .description("act as a PXE client on an interface (per architecture) and say whether it would boot: DHCP offers, port 4011, TFTP, the boot file's header")
    .option('-i, --interface <if>', 'probe on this interface (it needs an IPv4 address; default: the only interface with one)')
    .option('--arch <arch>', 'architecture to probe: bios, efi32, efi64, arm32, arm64, riscv32, riscv64, loongarch64, or an option 93 number (repeatable; default bios and efi64; the names of serve --boot, efi-arm64 etc., are accepted too)', collect)
    .option('--mac <mac>', "client MAC for every architecture, or 'interface' for the interface's own (default: a random locally administered MAC per architecture)")
    .option('--timeout <seconds>', 'how long to collect offers, and to wait for each later answer', '4')
    .option('--tftp <mode>', "'size': tsize query and the first block only (as firmware starts); 'full': download the boot file and report size and rate", 'size')
    .option('--request', 'also request the offered address (DHCPREQUEST) and release it at the end; without it the probe never takes a lease')
    .option('--write <file.pcapng>', "keep the probe's own traffic as a capture (readable by pxe-doctor analyze)")
    .option('--json', 'print the result as JSON (docs/probe.md)')
    .option('--no-diagram', 'text output: no ladder diagrams')
    .option('--no-color', 'no colors in the text output')
    .addHelpText(
      'after',
      helpFooter(
        ['sudo pxe-doctor probe -i eth0', 'sudo pxe-doctor probe -i eth0 --arch bios --arch efi64 --arch arm64 --tftp full', 'sudo pxe-doctor probe -i eth0 --json --write probe.pcapng'],
        [[0, 'every probed architecture would boot'], [1, 'at least one would not (the report says where it stops)'], [2, 'bad usage, or the interface cannot be used'], INTERNAL_EXIT],
      ),
    )
    .action(async (opts: ProbeCliOptions, cmd: Command) => {
      const { parseArch } = await import('../../probe/messages.js');
      const { pickInterface } = await import('../../net/netif.js');
      const { normalizeMac } = await import('../../pipeline.js');

      const archNames = opts.arch !== undefined && opts.arch.length > 0 ? opts.arch : ['bios', 'efi64'];
      const archs = archNames.map((n) => {
        const a = parseArch(n);
        if (!a) throw new UserError(`--arch: unknown architecture "${n}" (bios, efi32, efi64, efi-bc, arm32, arm64, riscv32, riscv64, loongarch64, or an option 93 number)`);
        return a;
      });
      const timeout = Number(opts.timeout);
      if (!Number.isFinite(timeout) || timeout < 0.2 || timeout > 120) throw new UserError(`--timeout must be a number of seconds between 0.2 and 120, got "${opts.timeout}"`);
      if (opts.tftp !== 'size' && opts.tftp !== 'full') throw new UserError(`--tftp must be size or full, not "${opts.tftp}"`);

      let mac: string | undefined;
      if (opts.mac !== undefined && opts.mac !== 'interface') {
        mac = normalizeMac(opts.mac);
        if (!mac) throw new UserError(`--mac: "${opts.mac}" is not a MAC address (e.g. 02:00:00:12:34:56), nor 'interface'`);
        if ((parseInt(mac.slice(0, 2), 16) & 1) === 1) throw new UserError(`--mac: ${mac} is a multicast address`);
      }
      const picked = pickInterface(opts.interface);
      if (typeof picked === 'string') {
        throw new UserError(
          /has no IPv4 address/.test(picked)
            ? `${picked}: probe sends from the interface's address (Node cannot bind a socket to a device); give it one on the PXE segment, e.g. ip addr add 192.0.2.250/24 dev ${opts.interface}`
            : picked,
        );
      }
      if (opts.mac === 'interface') {
        mac = interfaceMac(picked.name);
        if (!mac) throw new UserError(`--mac interface: cannot read the MAC of ${picked.name}`);
      }
      if (opts.write !== undefined) {
        const dir = path.dirname(path.resolve(opts.write));
        if (!fs.existsSync(dir)) throw new UserError(`--write: directory ${dir} does not exist`);
      }

      const { runProbe } = await import('../../probe/run.js');
      const { ProbeError } = await import('../../probe/net.js');
      const { renderProbeText, probeJson, stepLine } = await import('../../probe/report.js');
      const { terminalIsUtf8 } = await import('../../report/diagram.js');
      const tty = process.stdout.isTTY === true;
      let result;
      try {
        result = await runProbe({
          iface: picked,
          archs,
          ...(mac !== undefined ? { mac } : {}),
          timeout,
          tftp: opts.tftp,
          request: opts.request === true,
          ...(opts.write !== undefined ? { write: opts.write } : {}),
          onStep: opts.json || !process.stderr.isTTY ? undefined : (a, s) => void process.stderr.write(`${stepLine(a, s)}\n`),
        });
      } catch (e) {
        if (e instanceof ProbeError) throw new UserError(e.message);
        const err = e as NodeJS.ErrnoException;
        if (opts.write !== undefined && err.path !== undefined) throw new UserError(`--write ${opts.write}: ${err.code ?? err.message}`);
        throw e;
      }
      if (opts.json) process.stdout.write(probeJson(result));
      else {
        process.stdout.write(
          renderProbeText(result, {
            color: wantColor(opts.color, tty),
            unicode: terminalIsUtf8(process.env, tty),
            ...(tty && process.stdout.columns ? { width: process.stdout.columns } : {}),
            diagram: opts.diagram,
          }),
        );
      }
      setExitCode(cmd, result.ok ? ExitCode.Ok : ExitCode.Findings);
    });
}

function interfaceMac(name: string): string | undefined {
  try {
    const m = fs.readFileSync(`/sys/class/net/${name}/address`, 'utf8').trim().toLowerCase();
    return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(m) ? m : undefined;
  } catch {
    return undefined;
  }
}
