/**
 * `pxe-doctor extract CAPTURE... --client MAC -w OUT.pcapng`: one client's boot, for a ticket or a
 * forum post (docs/extract.md). Exit codes: 0 written, 2 bad usage, unreadable input or a client
 * that is not in the capture.
 */
import { openSync, closeSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError, ExitCode } from '../errors.js';
import { setExitCode } from '../exit.js';

interface ExtractCliOptions {
  client?: string;
  write?: string;
}

export function register(program: Command): void {
  program
    .command('extract')
    .description("write one client's boot (DHCP, 4011, TFTP/HTTP, ICMP, ARP and the servers' replies) to a pcapng file")
    .argument('<capture...>', 'capture file (pcap, pcapng, gzipped or not); several files or a directory are one capture in time order')
    .option('--client <mac>', 'the client (MAC address, or ip:ADDRESS for a client the report names so)')
    .option('-w, --write <file>', 'the pcapng file to write')
    .action(async (captures: string[], opts: ExtractCliOptions, cmd: Command) => {
      const { normalizeMac } = await import('../../pipeline.js');
      if (opts.client === undefined) throw new UserError('extract needs --client MAC (the client whose boot to keep)');
      // A client the analysis knows only by its address is named ip:ADDRESS in the report.
      const byAddress = /^ip:[0-9a-fA-F.:]+$/.test(opts.client) ? opts.client.toLowerCase() : undefined;
      const mac = byAddress ?? normalizeMac(opts.client);
      if (!mac) throw new UserError(`--client: "${opts.client}" is not a MAC address (e.g. 52:54:00:12:34:56) or ip:ADDRESS`);
      if (opts.write === undefined) throw new UserError('extract needs -w OUT.pcapng (where to write the client\'s frames)');
      const { isDirectory } = await import('../../capture/multi.js');
      const input: string | string[] = captures.length === 1 && !isDirectory(captures[0]!) ? captures[0]! : captures;
      const { extractClient } = await import('../../extract/run.js');
      const { CaptureFormatError } = await import('../../capture/errors.js');
      let fd: number;
      try {
        fd = openSync(opts.write, 'w');
      } catch (err) {
        throw new UserError(`cannot write ${opts.write}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      let result;
      try {
        result = await extractClient(input, mac, fd);
      } catch (err) {
        if (err instanceof CaptureFormatError) throw new UserError(err.message);
        throw err;
      } finally {
        closeSync(fd);
      }
      if (result.clients.length === 0) {
        const { rmSync } = await import('node:fs');
        rmSync(opts.write, { force: true });
        throw new UserError(`client ${mac} does not appear in ${Array.isArray(input) ? input.join(' ') : input}`);
      }
      const verdicts = result.clients.map((c) => (c.ok ? `booted (${c.stage})` : `FAILED at ${c.stage}${c.findings.length ? `: ${[...new Set(c.findings)].join(', ')}` : ''}`));
      process.stdout.write(`wrote ${opts.write}: ${result.kept} of ${result.frames} frames, client ${mac} ${verdicts.join('; ')}\n`);
      setExitCode(cmd, ExitCode.Ok);
    });
}
