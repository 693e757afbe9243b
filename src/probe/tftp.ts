/**
 * The probe's TFTP client: what PXE firmware does with the boot file (RFC 1350, RFC 2347/2348/2349).
 *
 *  - size: RRQ with tsize=0 + blksize, and on the OACK an ERROR 8 to end the negotiation — EDK2's
 *    PxeBcTftpGetFileSize and PXE ROMs do exactly this before the real read.
 *  - header: the first DATA block only (ACK 0, DATA 1, then ERROR 0), to check the NBP's header.
 *  - full: the whole file, ACKing every block; size and rate measured.
 * Retransmission follows RFC 1350 §2 (resend the last packet on timeout); our TID is a fresh port.
 */
import { decodeTftp, encodeTftp } from '../decode/tftp/codec.js';
import type { TftpPacket } from '../decode/tftp/types.js';
import type { Inbox } from './inbox.js';
import type { ProbePacket, ProbeSockets } from './net.js';
import { TftpErrorCode, TftpOpcode } from '../decode/tftp/constants.js';

export type TftpMode = 'size' | 'header' | 'full';

export interface TftpReadResult {
  outcome: 'ok' | 'error' | 'no-response' | 'incomplete';
  /** File size from the OACK's tsize (RFC 2349), when the server gave one. */
  tsize?: number;
  /** Whether the server answered with an OACK (RFC 2347 options supported). */
  oack: boolean;
  blksize: number;
  /** Payload bytes received. */
  bytes: number;
  blocks: number;
  seconds: number;
  /** The first data block (for the NBP header check). */
  head?: Uint8Array;
  errorCode?: number;
  errorMessage?: string;
  /** TFTP port the server answered from. */
  serverPort?: number;
  retransmissions: number;
}

/** Largest block that fits one Ethernet frame: MTU - IPv4 (20) - UDP (8) - TFTP (4) (RFC 2348). */
export function blksizeForMtu(mtu: number): number {
  return Math.max(512, Math.min(65464, mtu - 32));
}

export async function tftpRead(
  sockets: ProbeSockets,
  inbox: Inbox,
  server: string,
  file: string,
  mode: TftpMode,
  opts: { blksize: number; timeout: number },
): Promise<TftpReadResult> {
  const { socket, port } = await sockets.tftpSocket();
  inbox.watchTftpPort(port);
  const started = Date.now();
  const res: TftpReadResult = { outcome: 'no-response', oack: false, blksize: 512, bytes: 0, blocks: 0, seconds: 0, retransmissions: 0 };
  // Per-packet timeout: firmware waits about a second; at most half of --timeout so a lost packet is retried.
  const retryMs = Math.max(250, Math.min(1000, (opts.timeout * 1000) / 2));
  const maxTries = Math.max(2, Math.round((opts.timeout * 1000) / retryMs));
  let serverPort: number | undefined;
  let last: { payload: Uint8Array; port: number };
  const send = (pkt: Parameters<typeof encodeTftp>[0], to: number): void => {
    const payload = encodeTftp(pkt).slice();
    last = { payload, port: to };
    sockets.sendFrom(socket, port, payload, { address: server, port: to });
  };
  const from = (p: ProbePacket): boolean => p.src.address === server && p.dst.port === port && (serverPort === undefined || p.src.port === serverPort);
  try {
    send({ opcode: TftpOpcode.Rrq, filename: file, mode: 'octet', options: { tsize: '0', blksize: String(opts.blksize) } }, 69);
    let expected = 1;
    let tries = 0;
    for (;;) {
      const p = await inbox.take((q) => from(q), Date.now() + retryMs);
      if (!p) {
        if (++tries >= maxTries) {
          res.outcome = serverPort === undefined ? 'no-response' : 'incomplete';
          return res;
        }
        res.retransmissions++;
        sockets.sendFrom(socket, port, last!.payload, { address: server, port: last!.port });
        continue;
      }
      tries = 0;
      const t: TftpPacket | null = decodeTftp(p.payload);
      if (!t) continue;
      if (serverPort === undefined) {
        serverPort = p.src.port;
        res.serverPort = serverPort;
      }
      if (t.opcode === TftpOpcode.Error) {
        res.outcome = 'error';
        res.errorCode = t.errorCode;
        res.errorMessage = t.errorMessage;
        return res;
      }
      if (t.opcode === TftpOpcode.Oack) {
        if (res.oack) continue; // duplicate OACK: our ACK 0 was lost and will be resent on timeout
        res.oack = true;
        const tsize = Number(t.options['tsize']);
        if (t.options['tsize'] !== undefined && Number.isInteger(tsize) && tsize >= 0) res.tsize = tsize;
        const bs = Number(t.options['blksize']);
        res.blksize = t.options['blksize'] !== undefined && Number.isInteger(bs) && bs >= 8 ? bs : 512;
        if (mode === 'size') {
          // RFC 2347: a client that does not want the transfer after the OACK answers ERROR 8.
          send({ opcode: TftpOpcode.Error, errorCode: TftpErrorCode.OptionNegotiation, errorMessage: 'tsize query' }, serverPort);
          res.outcome = 'ok';
          return res;
        }
        send({ opcode: TftpOpcode.Ack, block: 0 }, serverPort);
        continue;
      }
      if (t.opcode === TftpOpcode.Data) {
        if (t.block !== (expected & 0xffff)) {
          // A duplicate of a block we already have: our ACK was lost, ACK it again (RFC 1350 §2).
          if (t.block === ((expected - 1) & 0xffff)) send({ opcode: TftpOpcode.Ack, block: t.block }, serverPort);
          continue;
        }
        if (expected === 1) {
          res.head = t.payload.slice(0, Math.min(t.payload.length, 4096));
          if (!res.oack) res.blksize = 512;
        }
        res.bytes += t.length;
        res.blocks++;
        expected++;
        if (mode !== 'full') {
          // Header read (or a server without option support answering the size query with data): stop here.
          send({ opcode: TftpOpcode.Error, errorCode: mode === 'size' ? 8 : 0, errorMessage: mode === 'size' ? 'tsize query' : 'header read' }, serverPort);
          res.outcome = 'ok';
          return res;
        }
        send({ opcode: TftpOpcode.Ack, block: t.block }, serverPort);
        if (t.length < res.blksize) {
          res.outcome = 'ok';
          return res;
        }
      }
    }
  } finally {
    res.seconds = (Date.now() - started) / 1000;
    inbox.unwatchTftpPort(port);
    await sockets.closeTftp(socket);
  }
}
