/**
 * Read-only TFTP server for network boot: RFC 1350 with RFC 2347 option negotiation (OACK),
 * blksize (RFC 2348), timeout/tsize (RFC 2349) and windowsize (RFC 7440).
 *
 * Each transfer gets its own ephemeral socket (its TID, RFC 1350 section 4). Packets are encoded
 * and decoded with the project's TFTP codec (src/decode/tftp/codec.ts).
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import { ByteWriter } from '../../decode/bytes.js';
import { decodeTftp, encodeTftp, type TftpPacketInit } from '../../decode/tftp/codec.js';
import { TftpRoot } from './safe-path.js';
import { TftpErrorCode, TftpOpcode } from '../../decode/tftp/constants.js';
import { ZERO_IP } from '../../decode/dhcp/constants.js';

/** IPv4 (20) + UDP (8) + TFTP DATA header (4): a block must fit the MTU without IP fragmentation. */
export const TFTP_DATA_OVERHEAD = 32;
/** RFC 2348: blksize is 8..65464. */
const BLKSIZE_MIN = 8;
const BLKSIZE_MAX = 65464;
/** Netascii needs the converted file in memory; refuse larger files rather than grow without bound. */
const NETASCII_MAX = 32 * 1024 * 1024;

export interface Endpoint {
  address: string;
  port: number;
}

export type TftpServerEvent =
  | { type: 'transfer-start'; client: Endpoint; file: string; size: number; options: Record<string, string>; blksize: number; windowsize: number }
  | {
      type: 'transfer-end';
      client: Endpoint;
      file: string;
      outcome: 'complete' | 'aborted' | 'timeout' | 'deadline' | 'io-error';
      bytes: number;
      seconds: number;
      /** Bytes per second. */
      rate: number;
      /** Client's error message when it aborted (EDK2 sends code 8 after a tsize probe). */
      detail?: string;
      retransmissions: number;
    }
  | { type: 'request-refused'; client: Endpoint; file: string; code: number; message: string };

export interface TftpServerOptions {
  root: string;
  /** Local address to bind (the interface's address with --interface); default 0.0.0.0. */
  address?: string;
  port?: number;
  /** Path MTU used to clamp blksize (interface MTU); default 1500. */
  mtu?: number;
  /** First retransmission timeout; doubles on each retry (capped). Default 1000 ms. */
  timeoutMs?: number;
  maxRetries?: number;
  /** A transfer that has not finished after this long is aborted. Default 300 s. */
  deadlineMs?: number;
  /** Largest windowsize granted. Default 64. */
  maxWindow?: number;
  maxTransfers?: number;
  onEvent?(e: TftpServerEvent): void;
  /** Every TFTP packet received or sent (payload = UDP payload), e.g. to feed the analyzer. */
  onPacket?(dir: 'in' | 'out', local: Endpoint, remote: Endpoint, payload: Uint8Array): void;
}

function encodeInto(w: ByteWriter, p: TftpPacketInit): Uint8Array {
  w.pos = 0;
  return encodeTftp(p, w);
}

function toNetascii(data: Buffer): Buffer {
  // RFC 764 NVT ASCII: LF -> CR LF, bare CR -> CR NUL.
  const out: number[] = [];
  for (const b of data) {
    if (b === 0x0a) out.push(0x0d, 0x0a);
    else if (b === 0x0d) out.push(0x0d, 0x00);
    else out.push(b);
  }
  return Buffer.from(out);
}

class Transfer {
  private readonly socket: dgram.Socket;
  private local: Endpoint = { address: ZERO_IP, port: 0 };
  private readonly slots: ByteWriter[];
  private readonly control = new ByteWriter(512);
  /** Absolute (not wrapped) number of the lowest block not yet acknowledged. */
  private base = 1;
  /** Absolute number of the highest block sent so far. */
  private sentUpTo = 0;
  private readonly lastBlock: number;
  private oackPending: boolean;
  private retries = 0;
  retransmissions = 0;
  private timer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private readonly started = Date.now();
  private done = false;

  private readonly server: TftpServer;
  readonly client: Endpoint;
  readonly file: string;
  private readonly source: { fd: number } | { buffer: Buffer };
  readonly size: number;
  readonly blksize: number;
  readonly windowsize: number;
  private readonly timeoutMs: number;
  private readonly oack: Record<string, string> | undefined;

  constructor(
    server: TftpServer,
    client: Endpoint,
    file: string,
    source: { fd: number } | { buffer: Buffer },
    size: number,
    blksize: number,
    windowsize: number,
    timeoutMs: number,
    oack: Record<string, string> | undefined,
    bindAddress: string,
  ) {
    this.server = server;
    this.client = client;
    this.file = file;
    this.source = source;
    this.size = size;
    this.blksize = blksize;
    this.windowsize = windowsize;
    this.timeoutMs = timeoutMs;
    this.oack = oack;
    this.lastBlock = Math.floor(size / blksize) + 1;
    this.oackPending = oack !== undefined;
    this.slots = Array.from({ length: windowsize }, () => new ByteWriter(blksize + 4));
    this.socket = dgram.createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => {
      try {
        this.onMessage(msg, rinfo);
      } catch {
        this.finish('io-error', 'internal error');
      }
    });
    this.socket.on('error', () => this.finish('io-error'));
    this.socket.bind({ port: 0, address: bindAddress }, () => {
      const a = this.socket.address();
      this.local = { address: a.address, port: a.port };
      this.deadline = setTimeout(() => this.fail('deadline', 'transfer deadline exceeded'), server.opts.deadlineMs ?? 300_000);
      this.transmit();
    });
  }

  /**
   * The client sent its RRQ again: it has not heard our first answer (the OACK, or DATA 1). Resend
   * it now, at most every 250 ms, rather than at the next timeout (1 s, then 2, 4, 8 s): on a lossy
   * segment (a flood, a busy switch) that is the difference between a boot and PXE-E32. Once the
   * client has acknowledged anything, a repeated RRQ is ignored like any duplicate.
   */
  repeatFirst(): void {
    if (this.done || !(this.oackPending || (this.base === 1 && this.sentUpTo >= 1))) return;
    if (Date.now() - this.lastSentAt < 250) return;
    this.retransmissions++;
    this.transmit();
  }

  private lastSentAt = 0;

  private send(payload: Uint8Array, to: Endpoint = this.client): void {
    if (this.done) return;
    this.lastSentAt = Date.now();
    this.server.opts.onPacket?.('out', this.local, to, payload);
    this.socket.send(payload, to.port, to.address);
  }

  /** Send what is outstanding: the OACK, or the window starting at `base`. */
  private transmit(): void {
    if (this.done) return;
    if (this.oackPending && this.oack) {
      this.send(encodeInto(this.control, { opcode: TftpOpcode.Oack, options: this.oack }));
    } else {
      const end = Math.min(this.base + this.windowsize - 1, this.lastBlock);
      const window = this.read(this.base, end);
      if (!window) return;
      const start = (this.base - 1) * this.blksize;
      for (let block = this.base; block <= end; block++) {
        const off = (block - 1) * this.blksize - start;
        const payload = window.subarray(off, Math.min(off + this.blksize, window.length));
        // Slot reuse is safe: block b's slot is rewritten only for block b + windowsize, which is
        // sent after b was acknowledged, or for a retransmission of b itself (same bytes).
        const w = this.slots[(block - 1) % this.windowsize] as ByteWriter;
        this.send(encodeInto(w, { opcode: TftpOpcode.Data, block: block & 0xffff, length: payload.length, payload }));
      }
      if (end > this.sentUpTo) this.sentUpTo = end;
    }
    this.arm();
  }

  /** The bytes of blocks first..last, with one read for the whole window. */
  private read(first: number, last: number): Uint8Array | undefined {
    const start = (first - 1) * this.blksize;
    const end = Math.min(this.size, last * this.blksize);
    const length = Math.max(0, end - start);
    if ('buffer' in this.source) return this.source.buffer.subarray(start, start + length);
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    try {
      while (got < length) {
        const n = fs.readSync(this.source.fd, buf, got, length - got, start + got);
        if (n === 0) break;
        got += n;
      }
    } catch {
      got = -1;
    }
    if (got !== length) {
      this.fail('io-error', 'file changed or unreadable during transfer');
      return undefined;
    }
    return buf;
  }

  private arm(): void {
    clearTimeout(this.timer);
    // Exponential backoff, capped at 8 times the base timeout.
    const wait = this.timeoutMs * Math.min(8, 2 ** this.retries);
    this.timer = setTimeout(() => this.onTimeout(), wait);
  }

  private onTimeout(): void {
    if (this.done) return;
    this.retries++;
    if (this.retries > (this.server.opts.maxRetries ?? 5)) {
      const finalBlock = !this.oackPending && this.base === this.lastBlock && this.sentUpTo === this.lastBlock;
      this.fail('timeout', finalBlock ? 'no ACK for the last block (the client may have it all)' : 'timed out waiting for ACK');
      return;
    }
    this.retransmissions++;
    this.transmit();
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.done) return;
    const from = { address: rinfo.address, port: rinfo.port };
    this.server.opts.onPacket?.('in', this.local, from, msg);
    if (rinfo.address !== this.client.address || rinfo.port !== this.client.port) {
      // RFC 1350 section 4: a packet from a foreign TID gets ERROR 5 and does not disturb the transfer.
      this.send(encodeInto(this.control, { opcode: TftpOpcode.Error, errorCode: TftpErrorCode.UnknownTransferId, errorMessage: 'Unknown transfer ID' }), from);
      return;
    }
    const p = decodeTftp(msg);
    if (!p) return;
    if (p.opcode === TftpOpcode.Error) {
      this.finish('aborted', `client error ${p.errorCode}: ${p.errorMessage}`);
      return;
    }
    if (p.opcode !== TftpOpcode.Ack) return;
    if (this.oackPending) {
      if (p.block === 0) {
        this.oackPending = false;
        this.retries = 0;
        this.transmit();
      }
      return;
    }
    // Which of the outstanding blocks does this ACK cover (block numbers wrap at 65535 -> 0)?
    const covered = (p.block - ((this.base - 1) & 0xffff)) & 0xffff;
    // covered === 0 is a duplicate ACK of what was already acknowledged: never answer it with data,
    // or each duplicate doubles the traffic (the Sorcerer's Apprentice bug, RFC 1123 4.2.3.1).
    if (covered === 0 || covered > this.sentUpTo - this.base + 1) return;
    this.base += covered;
    this.retries = 0;
    if (this.base > this.lastBlock) {
      this.finish('complete');
      return;
    }
    this.transmit();
  }

  /** Server stopping: tell the client (ERROR 0) instead of leaving it to time out. */
  shutdown(): void {
    this.finish('aborted', 'server shutting down', encodeInto(this.control, { opcode: TftpOpcode.Error, errorCode: TftpErrorCode.NotDefined, errorMessage: 'Server shutting down' }));
  }

  private fail(outcome: 'timeout' | 'deadline' | 'io-error', message: string): void {
    if (this.done) return;
    this.finish(outcome, message, encodeInto(this.control, { opcode: TftpOpcode.Error, errorCode: TftpErrorCode.NotDefined, errorMessage: message }));
  }

  /** End the transfer; `farewell` (an ERROR) is sent before the socket closes. */
  finish(outcome: 'complete' | 'aborted' | 'timeout' | 'deadline' | 'io-error', detail?: string, farewell?: Uint8Array): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    clearTimeout(this.deadline);
    if ('fd' in this.source) fs.close(this.source.fd, () => undefined);
    const close = (): void => {
      try {
        this.socket.close();
      } catch {
        /* already closed */
      }
    };
    if (farewell && this.local.port !== 0) {
      this.server.opts.onPacket?.('out', this.local, this.client, farewell);
      this.socket.send(farewell, this.client.port, this.client.address, close);
    } else {
      close();
    }
    const seconds = (Date.now() - this.started) / 1000;
    const bytes = outcome === 'complete' ? this.size : Math.min(this.size, (this.base - 1) * this.blksize);
    this.server.transferEnded(this, {
      type: 'transfer-end',
      client: this.client,
      file: this.file,
      outcome,
      bytes,
      seconds,
      rate: seconds > 0 ? bytes / seconds : bytes,
      ...(detail !== undefined ? { detail } : {}),
      retransmissions: this.retransmissions,
    });
  }
}

export class TftpServer {
  readonly opts: TftpServerOptions;
  readonly root: TftpRoot;
  private readonly socket: dgram.Socket;
  private readonly transfers = new Map<string, Transfer>();
  private readonly control = new ByteWriter(512);
  private local: Endpoint = { address: ZERO_IP, port: 0 };

  constructor(opts: TftpServerOptions) {
    this.opts = opts;
    this.root = new TftpRoot(opts.root);
    this.socket = dgram.createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => {
      try {
        this.onRequest(msg, { address: rinfo.address, port: rinfo.port });
      } catch {
        /* a request we cannot handle is dropped; the server keeps running */
      }
    });
  }

  /** Bind the request socket; rejects with the bind error (EADDRINUSE, EACCES). */
  listen(): Promise<Endpoint> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.socket.once('error', onError);
      this.socket.bind({ port: this.opts.port ?? 69, address: this.opts.address ?? ZERO_IP }, () => {
        this.socket.off('error', onError);
        this.socket.on('error', () => undefined);
        const a = this.socket.address();
        this.local = { address: a.address, port: a.port };
        resolve(this.local);
      });
    });
  }

  get activeTransfers(): number {
    return this.transfers.size;
  }

  private reply(to: Endpoint, code: number, message: string): void {
    const bytes = encodeInto(this.control, { opcode: TftpOpcode.Error, errorCode: code, errorMessage: message });
    this.opts.onPacket?.('out', this.local, to, bytes);
    this.socket.send(bytes, to.port, to.address);
  }

  private refuse(to: Endpoint, file: string, code: number, message: string): void {
    this.reply(to, code, message);
    this.opts.onEvent?.({ type: 'request-refused', client: to, file, code, message });
  }

  private onRequest(msg: Buffer, from: Endpoint): void {
    this.opts.onPacket?.('in', this.local, from, msg);
    const p = decodeTftp(msg);
    if (!p) return;
    if (p.opcode === TftpOpcode.Wrq) {
      this.refuse(from, p.filename, 2, 'Read-only server: write requests are refused');
      return;
    }
    if (p.opcode !== TftpOpcode.Rrq) return; // stray DATA/ACK/ERROR on port 69: not a request, nothing to answer
    const key = `${from.address}:${from.port}`;
    // A retransmitted RRQ while its transfer runs: the first answer again if nothing was acknowledged.
    const running = this.transfers.get(key);
    if (running) {
      running.repeatFirst();
      return;
    }
    if (this.transfers.size >= (this.opts.maxTransfers ?? 2000)) {
      this.refuse(from, p.filename, 0, 'Server busy, try again');
      return;
    }
    const mode = p.mode.toLowerCase();
    if (mode !== 'octet' && mode !== 'netascii') {
      this.refuse(from, p.filename, 4, `Unsupported transfer mode ${p.mode}`);
      return;
    }
    const found = this.root.resolve(p.filename);
    if (!found.ok) {
      this.refuse(from, p.filename, found.code, found.message);
      return;
    }
    let source: { fd: number } | { buffer: Buffer };
    let size = found.size;
    try {
      if (mode === 'netascii') {
        if (size > NETASCII_MAX) {
          this.refuse(from, p.filename, 0, 'File too large for netascii mode; use octet');
          return;
        }
        const buffer = toNetascii(fs.readFileSync(found.file));
        size = buffer.length;
        source = { buffer };
      } else {
        source = { fd: fs.openSync(found.file, 'r') };
      }
    } catch {
      this.refuse(from, p.filename, 2, 'Access violation');
      return;
    }

    // RFC 2347: answer only the options we understand, with the values we will use.
    const mtu = this.opts.mtu ?? 1500;
    const oack: Record<string, string> = {};
    let blksize = 512;
    let windowsize = 1;
    let timeoutMs = this.opts.timeoutMs ?? 1000;
    const opt = p.options;
    const int = (v: string | undefined): number => (v !== undefined && /^\d{1,10}$/.test(v) ? Number(v) : NaN);
    const reqBlk = int(opt.blksize);
    if (reqBlk >= BLKSIZE_MIN) {
      blksize = Math.min(reqBlk, BLKSIZE_MAX, Math.max(BLKSIZE_MIN, mtu - TFTP_DATA_OVERHEAD));
      oack.blksize = String(blksize);
    }
    if (opt.tsize !== undefined && int(opt.tsize) >= 0) oack.tsize = String(size);
    const reqTimeout = int(opt.timeout);
    if (reqTimeout >= 1 && reqTimeout <= 255) {
      timeoutMs = reqTimeout * 1000;
      oack.timeout = String(reqTimeout);
    }
    const reqWindow = int(opt.windowsize);
    if (reqWindow >= 1 && reqWindow <= 65535) {
      windowsize = Math.min(reqWindow, this.opts.maxWindow ?? 64);
      oack.windowsize = String(windowsize);
    }
    const negotiated = Object.keys(oack).length > 0 ? oack : undefined;
    const transfer = new Transfer(this, from, p.filename, source, size, blksize, windowsize, timeoutMs, negotiated, this.opts.address ?? ZERO_IP);
    this.transfers.set(key, transfer);
    this.opts.onEvent?.({ type: 'transfer-start', client: from, file: p.filename, size, options: { ...p.options }, blksize, windowsize });
  }

  /** Called by a transfer when it ends. */
  transferEnded(t: Transfer, e: TftpServerEvent): void {
    this.transfers.delete(`${t.client.address}:${t.client.port}`);
    this.opts.onEvent?.(e);
  }

  /** Stop: abort running transfers and close every socket. */
  close(): Promise<void> {
    for (const t of [...this.transfers.values()]) t.shutdown();
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
