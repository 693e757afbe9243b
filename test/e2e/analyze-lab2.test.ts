/**
 * End to end: the BUILT CLI on the second set of lab captures (real OVMF/EDK2 and SeaBIOS+iPXE
 * against real isc-dhcpd, dnsmasq and tftpd-hpa; fixtures/lab/scenarios.sh, docs/lab.md): the rules
 * that had only seen built packet sequences before, checked on what real firmware does. Evidence
 * frames are cross-checked with tshark (the oracle) when it is installed, and always in CI.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCli, hasTshark, lab, labDir, present, root, tsharkFrames } from '../helpers/analyze-cli.js';

const analyze = analyzeCli;
const UEFI = '52:54:00:ef:00:01';

describe('pxe-doctor analyze (built CLI) on the second set of lab captures', () => {
  it('is built', () => {
    expect(existsSync(join(root, 'dist/cli/commands/analyze.js'))).toBe(true);
  });

  present('fail-no-dhcp-server.pcap')('fail-no-dhcp-server: no-dhcp-offer with every DISCOVER as evidence, nothing else', () => {
    const file = lab('fail-no-dhcp-server.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.map((f) => [f.id, f.severity])).toEqual([['no-dhcp-offer', 'error']]);
    const c = json.clients[0]!;
    expect([c.mac, c.ok, c.stage, c.offers]).toEqual([UEFI, false, 'discover', []]);
    expect(json.findings[0]!.title).toMatch(/^No DHCP offer: 3 DISCOVERs over 12\.\d s/);
    if (hasTshark) expect(json.findings[0]!.frames).toEqual(tsharkFrames(file, 'dhcp.option.dhcp == 1'));
  });

  present('fail-tftp-blksize-mtu.pcap')('fail-tftp-blksize-mtu: blksize 1468 over a 1450-byte path, no DATA after the OACK (EDK2: PXE-E18)', () => {
    const file = lab('fail-tftp-blksize-mtu.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.map((f) => [f.id, f.severity])).toEqual([['tftp-blksize-exceeds-mtu', 'error']]);
    const f = json.findings[0]!;
    expect(f.firmwareMessage).toBe('PXE-E18');
    expect(f.title).toContain('blksize 1468');
    expect(f.cause).toContain('1500-byte');
    expect(f.cause).toContain('repeated 5 times');
    const c = json.clients[0]!;
    expect([c.ok, c.stage, c.bootFile, c.bootServer]).toEqual([false, 'tftp', 'efi64/syslinux.efi', '192.0.2.1']);
    // The tsize probe went through (small packets), the download did not.
    expect(c.transfers.map((t) => t.outcome)).toEqual(['tsize-probe', 'incomplete']);
    if (hasTshark) {
      expect(tsharkFrames(file, 'tftp.opcode == 3')).toEqual([]);
      const rrq = tsharkFrames(file, 'tftp.opcode == 1');
      const oack = tsharkFrames(file, 'tftp.opcode == 6');
      const ack0 = tsharkFrames(file, 'tftp.opcode == 4 && tftp.block == 0');
      expect(ack0).toHaveLength(6);
      expect(f.frames).toEqual([rrq[1], oack[1], ack0[ack0.length - 1]]);
    }
  });

  present('ok-tftp-fragmented-uefi.pcap')('ok-tftp-fragmented-uefi: boots; tftp-data-fragmented (info) counts the fragmented DATA', () => {
    const file = lab('ok-tftp-fragmented-uefi.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(0);
    expect(json.findings.map((f) => [f.id, f.severity])).toEqual([['tftp-data-fragmented', 'info']]);
    const c = json.clients[0]!;
    expect([c.ok, c.stage]).toEqual([true, 'second-stage']);
    const nbp = c.transfers.find((t) => t.role === 'nbp' && t.outcome === 'complete')!;
    expect([nbp.file, nbp.bytes, nbp.blksize]).toEqual(['efi64/syslinux.efi', 171456, 1468]);
    const m = /^(\d+) DATA datagrams/.exec(json.findings[0]!.cause);
    expect(m).not.toBeNull();
    if (hasTshark) expect(Number(m![1])).toBe(tsharkFrames(file, 'ip.flags.mf == 1 && ip.src == 192.0.2.1').length);
  });

  present('ok-two-dhcp-servers.pcap')('ok-two-dhcp-servers: boots from the server with boot information; multiple-dhcp-servers warns', () => {
    const file = lab('ok-two-dhcp-servers.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(0);
    expect(json.findings.map((f) => [f.id, f.severity])).toEqual([['multiple-dhcp-servers', 'warning']]);
    const f = json.findings[0]!;
    expect(f.title).toBe('2 DHCP servers grant addresses to this client: 192.0.2.1, 192.0.2.2');
    expect(f.firmwareMessage).toBeUndefined();
    const c = json.clients[0]!;
    expect([c.ok, c.bootFile, c.bootServer]).toEqual([true, 'pxelinux.0', '192.0.2.2']);
    if (hasTshark) {
      const first1 = tsharkFrames(file, 'dhcp.option.dhcp == 2 && ip.src == 192.0.2.1')[0];
      const first2 = tsharkFrames(file, 'dhcp.option.dhcp == 2 && ip.src == 192.0.2.2')[0];
      expect(f.frames).toEqual([first1, first2]);
    }
  });

  present('fail-tftp-access-violation.pcap')('fail-tftp-access-violation: tftp-error for ERROR 2 (EDK2: PXE-E23)', () => {
    const file = lab('fail-tftp-access-violation.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.map((f) => [f.id, f.severity])).toEqual([['tftp-error', 'error']]);
    const f = json.findings[0]!;
    expect(f.firmwareMessage).toBe('PXE-E23');
    expect(f.title).toBe('TFTP ERROR 2 "File must have global read permissions" for efi64/syslinux.efi');
    expect(f.cause).toContain('Access violation');
    if (hasTshark) expect(f.frames).toEqual([...tsharkFrames(file, 'tftp.opcode == 1'), ...tsharkFrames(file, 'tftp.error.code == 2')]);
  });

  present('ok-bootfile-no-nul-uefi.pcap')('ok-bootfile-no-nul-uefi: EDK2 reads option 67 without NUL correctly; the finding is a warning', () => {
    const file = lab('ok-bootfile-no-nul-uefi.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(0);
    expect(json.findings.map((f) => [f.id, f.severity])).toEqual([['bootfile-option-not-nul-terminated', 'warning']]);
    const c = json.clients[0]!;
    expect([c.ok, c.bootFile]).toEqual([true, 'efi64/syslinux.efi']);
    // The name the client asked for is exactly the option's 18 bytes: nothing appended.
    expect(c.transfers[0]!.file).toBe('efi64/syslinux.efi');
    if (hasTshark) expect(json.findings[0]!.frames).toEqual([tsharkFrames(file, 'dhcp.option.dhcp == 2')[0]]);
  });

  present('ok-client-guid-zero.pcap')('ok-client-guid-zero: client-guid-invalid for the all-zero option 97', () => {
    const file = lab('ok-client-guid-zero.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(0);
    expect(json.findings.map((f) => [f.id, f.severity])).toEqual([['client-guid-invalid', 'warning']]);
    const c = json.clients[0]!;
    expect([c.ok, c.guid]).toEqual([true, '00000000-0000-0000-0000-000000000000']);
    expect(json.findings[0]!.title).toContain('all-zero GUID');
    if (hasTshark) expect(json.findings[0]!.frames).toEqual([tsharkFrames(file, 'dhcp.option.dhcp == 1')[0]]);
  });

  present('ok-client-guid-duplicate.pcap')('ok-client-guid-duplicate: two MACs, one GUID, each warned about the other', () => {
    const file = lab('ok-client-guid-duplicate.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(0);
    const macs = json.clients.map((c) => c.mac).sort();
    expect(macs).toEqual(['52:54:00:ef:00:01', '52:54:00:ef:00:02']);
    expect(new Set(json.clients.map((c) => c.guid)).size).toBe(1);
    expect(json.clients.every((c) => c.ok)).toBe(true);
    expect(json.findings.map((f) => [f.id, f.severity, f.client]).sort()).toEqual([
      ['client-guid-duplicate', 'warning', '52:54:00:ef:00:01'],
      ['client-guid-duplicate', 'warning', '52:54:00:ef:00:02'],
    ]);
    for (const f of json.findings) {
      const other = macs.find((m) => m !== f.client)!;
      expect(f.title).toContain(`is also sent by ${other}`);
    }
    if (hasTshark) {
      const discovers = tsharkFrames(file, 'dhcp.option.dhcp == 1 && dhcp.option.vendor_class_id contains "PXEClient"');
      const own = (mac: string) => json.findings.find((f) => f.client === mac)!.frames[0];
      expect(own('52:54:00:ef:00:01')).toBe(discovers[0]);
      expect(own('52:54:00:ef:00:02')).toBe(discovers[1]);
    }
  });

  present('fail-nbp-truncated-uefi.pcap')('fail-nbp-truncated-uefi: a fitting NBP downloaded, then PXEv6 at once: nbp-not-started, not ok', () => {
    const file = lab('fail-nbp-truncated-uefi.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.filter((f) => f.severity !== 'info').map((f) => [f.id, f.severity])).toEqual([['nbp-not-started', 'error']]);
    const f = json.findings.find((x) => x.id === 'nbp-not-started')!;
    expect(f.title).toBe('The firmware downloaded efi64/syslinux.efi (64 KB) and did not run it');
    expect(f.cause).toContain('moved on to PXE over IPv6');
    const c = json.clients[0]!;
    expect([c.ok, c.stage]).toEqual([false, 'nbp']);
    const nbp = c.transfers.find((t) => t.role === 'nbp' && t.outcome === 'complete')!;
    expect(nbp.bytes).toBe(65536);
    if (hasTshark) {
      const rrq = tsharkFrames(file, 'tftp.opcode == 1');
      const lastAck = tsharkFrames(file, 'tftp.opcode == 4').pop();
      const solicit = tsharkFrames(file, 'dhcpv6.msgtype == 1')[0];
      expect(f.frames).toEqual([rrq[rrq.length - 1], lastAck, solicit]);
    }
  });

  present('fail-tftp-replies-blocked.both-sides.pcapng')('fail-tftp-replies-blocked: no response from the client side, replies blocked with the server side (EDK2: PXE-E18)', () => {
    const client = lab('fail-tftp-replies-blocked.pcap');
    const both = lab('fail-tftp-replies-blocked.both-sides.pcapng');
    const one = analyze(client);
    expect(one.code).toBe(1);
    expect(one.json.findings.map((f) => [f.id, f.severity, f.firmwareMessage])).toEqual([['tftp-no-response', 'error', 'PXE-E18']]);
    const two = analyze(both);
    expect(two.code).toBe(1);
    // The one Solicit crosses the bridged trunk and is in the capture twice: it counts once.
    expect(two.json.findings.map((f) => [f.id, f.severity, f.firmwareMessage])).toEqual([['tftp-replies-blocked', 'error', 'PXE-E18']]);
    const f = two.json.findings[0]!;
    expect(f.title).toContain('do not reach the client');
    expect(two.json.clients).toHaveLength(1);
    if (hasTshark) {
      // Each RRQ is in the capture twice (client LAN = interface 0, then server LAN); the first copy counts.
      const rrq = tsharkFrames(both, 'tftp.opcode == 1 && frame.interface_id == 0');
      const oack = tsharkFrames(both, 'tftp.opcode == 6');
      // The first RRQ, the server's first OACK (server LAN only), and the client's next RRQ.
      expect(f.frames).toEqual([rrq[0], oack[0], rrq[1]]);
      expect(tsharkFrames(client, 'tftp.opcode == 6')).toEqual([]);
    }
    // EDK2 re-sends its RRQ from the same client port; each try gets a new server port. Late OACKs
    // from an earlier try's port belong to that try, never to the newest one.
    const transfers = two.json.clients[0]!.transfers;
    expect(transfers).toHaveLength(6);
    if (hasTshark) {
      const r = spawnSync('tshark', ['-r', both, '-Y', 'tftp.opcode == 6', '-T', 'fields', '-e', 'frame.number', '-e', 'udp.srcport'], { encoding: 'utf8', timeout: 60_000 });
      const portOf = new Map(r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t').map(Number) as [number, number]));
      for (const t of transfers) {
        const [, firstReply, last] = t.frames;
        // The transfer's last packet comes from the same server port as its first reply.
        expect(portOf.get(last!), `${t.frames}`).toBe(portOf.get(firstReply!));
      }
    }
  });

  present('fail-option60-on-dhcp.pcap')('EDK2 4011 retries carry little-endian secs (256, 512, 768): no slow-server-response', () => {
    const { json } = analyze(lab('fail-option60-on-dhcp.pcap'));
    expect(json.findings.map((f) => f.id)).not.toContain('slow-server-response');
  });

  it('on every lab capture, a client with an error finding is never ok', () => {
    const files = existsSync(labDir) ? readdirSync(labDir).filter((f) => /\.(pcap|pcapng)$/.test(f)) : [];
    expect(files.length).toBeGreaterThan(20);
    for (const name of files) {
      const { json } = analyze(lab(name));
      for (const c of json.clients) {
        const errors = json.findings.filter((f) => f.client === c.mac && f.severity === 'error').map((f) => f.id);
        if (errors.length > 0) expect(c.ok, `${name} ${c.mac}: ok with ${errors.join(', ')}`).toBe(false);
      }
      if (name.startsWith('fail-')) expect(json.clients.some((c) => !c.ok), name).toBe(true);
    }
  }, 120_000);
});
