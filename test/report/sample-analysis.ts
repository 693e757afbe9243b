/**
 * Hand-written analysis results for the renderer tests: they follow src/report/schema.ts and are
 * shaped like a proxyDHCP lab (plain DHCP 192.0.2.1, dnsmasq proxy + TFTP 192.0.2.10). Test data for
 * drawing, not a stand-in for the analysis (the end-to-end tests use real captures).
 */
import type { AnalysisJson } from '../../src/report/schema.js';

export function sampleAnalysis(): AnalysisJson {
  return {
    schemaVersion: 1,
    capture: { file: 'lab <proxy> & "tftp".pcap', format: 'pcap', frames: 40, firstTime: '2026-11-23T02:00:00.000Z', duration: 31.5, warnings: [] },
    clients: [
      {
        mac: '52:54:00:be:00:01',
        arch: [0],
        archName: 'BIOS (x86)',
        vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
        ok: false,
        stage: 'tftp',
        bootFile: 'pxelinux.0',
        bootServer: '192.0.2.10',
        offers: [
          { server: '192.0.2.1', kind: 'dhcp', frame: 5, yiaddr: '192.0.2.100' },
          { server: '192.0.2.10', kind: 'proxy', frame: 6, bootFile: 'pxelinux.0', bootServer: '192.0.2.10' },
        ],
        transfers: [
          {
            file: 'pxelinux.0', server: '192.0.2.10', client: '192.0.2.100', frames: [11, 12, 12], options: { tsize: '0' },
            outcome: 'error', bytes: 0, blocks: 0, blksize: 512, retransmissions: 0, duration: 0.002, rate: 0,
            errorCode: 1, errorMessage: 'File not found', role: 'nbp',
          },
        ],
        findings: ['tftp-file-not-found'],
        timeline: [
          { frame: 1, time: 0, from: '0.0.0.0', to: '255.255.255.255', kind: 'DISCOVER', label: 'DISCOVER arch BIOS', repeats: [0, 4, 12, 28] },
          { frame: 5, time: 28.01, from: '192.0.2.1', to: '255.255.255.255', kind: 'OFFER', label: 'OFFER 192.0.2.100, no boot file' },
          { frame: 6, time: 28.02, from: '192.0.2.10', to: '255.255.255.255', kind: 'PROXY-OFFER', label: 'PROXY-OFFER boot pxelinux.0 from 192.0.2.10' },
          { frame: 7, time: 29, from: '0.0.0.0', to: '255.255.255.255', kind: 'REQUEST', label: 'REQUEST 192.0.2.100' },
          { frame: 8, time: 29.01, from: '192.0.2.1', to: '255.255.255.255', kind: 'ACK', label: 'ACK 192.0.2.100' },
          { frame: 11, time: 29.5, from: '192.0.2.100', to: '192.0.2.10', kind: 'RRQ', label: 'RRQ pxelinux.0 tsize=0' },
          { frame: 12, time: 29.502, from: '192.0.2.10', to: '192.0.2.100', kind: 'ERROR', label: 'ERROR 1 File not found' },
        ],
        firstFrame: 1,
        lastFrame: 12,
      },
      {
        mac: '52:54:00:ef:00:02',
        arch: [7],
        archName: 'EFI x86-64',
        vendorClass: 'PXEClient:Arch:00007:UNDI:003016',
        ok: true,
        stage: 'nbp',
        bootFile: 'syslinux.efi',
        bootServer: '192.0.2.10',
        offers: [
          { server: '192.0.2.1', kind: 'dhcp', frame: 14, yiaddr: '192.0.2.101' },
          { server: '192.0.2.10', kind: 'proxy', frame: 15 },
        ],
        transfers: [
          {
            file: 'syslinux.efi', server: '192.0.2.10', client: '192.0.2.101', frames: [30, 31, 40], options: { blksize: '1468', tsize: '0' },
            outcome: 'complete', bytes: 207312, blocks: 142, blksize: 1468, tsize: 207312, retransmissions: 0, duration: 0.31, rate: 668748, role: 'nbp',
          },
        ],
        findings: ['slow-server-response'],
        timeline: [
          { frame: 13, time: 30, from: '0.0.0.0', to: '255.255.255.255', kind: 'DISCOVER', label: 'DISCOVER arch EFI x86-64' },
          { frame: 14, time: 30.01, from: '192.0.2.1', to: '255.255.255.255', kind: 'OFFER', label: 'OFFER 192.0.2.101' },
          { frame: 15, time: 30.02, from: '192.0.2.10', to: '255.255.255.255', kind: 'PROXY-OFFER', label: 'PROXY-OFFER PXEClient, no file' },
          { frame: 16, time: 30.5, from: '0.0.0.0', to: '255.255.255.255', kind: 'REQUEST', label: 'REQUEST 192.0.2.101' },
          { frame: 17, time: 30.51, from: '192.0.2.1', to: '255.255.255.255', kind: 'ACK', label: 'ACK 192.0.2.101' },
          { frame: 18, time: 30.6, from: '192.0.2.101', to: '192.0.2.10', kind: '4011-REQUEST', label: '4011-REQUEST' },
          { frame: 19, time: 30.61, from: '192.0.2.10', to: '192.0.2.101', kind: '4011-ACK', label: '4011-ACK boot syslinux.efi' },
          { frame: 30, time: 31.0, from: '192.0.2.101', to: '192.0.2.10', kind: 'RRQ', label: 'RRQ syslinux.efi blksize=1468 tsize=0' },
          { frame: 31, time: 31.01, from: '192.0.2.10', to: '192.0.2.101', kind: 'OACK', label: 'OACK blksize=1468 tsize=207312' },
          { frame: 32, time: 31.02, from: '192.0.2.10', to: '192.0.2.101', kind: 'TFTP-TRANSFER', label: 'syslinux.efi: 142 blocks, 207312 bytes in 0.31 s' },
        ],
        firstFrame: 13,
        lastFrame: 40,
      },
    ],
    findings: [
      {
        id: 'tftp-file-not-found', severity: 'error', client: '52:54:00:be:00:01', frames: [11, 12],
        title: 'The TFTP server does not have pxelinux.0', cause: 'The proxyDHCP offer names pxelinux.0 but the TFTP server answered ERROR 1 <File not found>.',
        fix: 'Copy pxelinux.0 into the TFTP root of 192.0.2.10 or fix the dhcp-boot line.', firmwareMessage: 'PXE-T01', time: 29.502,
      },
      {
        id: 'slow-server-response', severity: 'info', client: '52:54:00:ef:00:02', frames: [14],
        title: 'Offers came after 10 ms', cause: 'test', fix: 'none needed',
      },
      {
        id: 'multiple-dhcp-servers', severity: 'warning', client: '', frames: [3],
        title: 'A second DHCP server <script>alert(1)</script> answers', cause: 'Two servers & one segment.', fix: 'Turn one off.',
      },
    ],
  };
}
