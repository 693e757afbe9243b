/**
 * TFTP server protocol behaviour against a scripted client on 127.0.0.1 (packets built and read with
 * the project's TFTP codec): lock-step, OACK, windowsize with partial ACKs, duplicate ACKs,
 * retransmission and deadlines, foreign TIDs, write refusal, block-number rollover.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeTftp, encodeTftp, type TftpPacketInit } from '../../../src/decode/tftp/codec.js';
import type { TftpPacket } from '../../../src/decode/tftp/types.js';
import { TftpServer, type TftpServerEvent, type TftpServerOptions } from '../../../src/responder/tftp/server.js';

interface Received {
  p: TftpPacket;
  port: number;
  at: number;
}

class Client {
  readonly sock = dgram.createSocket('udp4');
  private readonly queue: Received[] = [];
  private waiter: (() => void) | undefined;
  serverPort = 0;

  async open(): Promise<this> {
    await new Promise<void>((r) => this.sock.bind(0, '127.0.0.1', () => r()));
    this.sock.on('message', (m, r) => {
      const p = decodeTftp(new Uint8Array(m));
      if (p) this.queue.push({ p: p.opcode === 3 ? { ...p, payload: Uint8Array.from(p.payload) } : p, port: r.port, at: Date.now() });
      this.waiter?.();
    });
    return this;
  }

  send(p: TftpPacketInit, port: number): void {
    this.sock.send(encodeTftp(p), port, '127.0.0.1');
  }

  /** Next packet within `ms`, or null. */
  async next(ms = 2000): Promise<Received | null> {
    const deadline = Date.now() + ms;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiter = () => {
          clearTimeout(t);
          r();
        };
      });
      this.waiter = undefined;
    }
    return this.queue.shift() ?? null;
  }

  close(): void {
    this.sock.close();
  }
}

describe('TftpServer protocol', () => {
  let dir: string;
  const servers: TftpServer[] = [];
  const clients: Client[] = [];
  const files: Record<string, Buffer> = {};

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pxs-tftp-'));
    files['three.bin'] = crypto.randomBytes(1300);
    files['fifty.bin'] = crypto.randomBytes(50);
    files['rollover.bin'] = crypto.randomBytes((65536 + 10) * 8 + 3);
    for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), b);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function setup(opts: Partial<TftpServerOptions> = {}): Promise<{ client: Client; port: number; events: TftpServerEvent[] }> {
    const events: TftpServerEvent[] = [];
    const server = new TftpServer({ root: dir, address: '127.0.0.1', port: 0, onEvent: (e) => events.push(e), ...opts });
    servers.push(server);
    const { port } = await server.listen();
    const client = await new Client().open();
    clients.push(client);
    return { client, port, events };
  }

  const data = (r: Received | null): { block: number; payload: Uint8Array } => {
    expect(r?.p.opcode).toBe(3);
    const p = r!.p as Extract<TftpPacket, { opcode: 3 }>;
    return { block: p.block, payload: p.payload };
  };

  it('lock-step RFC 1350 transfer from a fresh TID, 512-byte blocks', async () => {
    const { client, port, events } = await setup();
    client.send({ opcode: 1, filename: 'three.bin', mode: 'octet' }, port);
    const got: Uint8Array[] = [];
    for (let block = 1; block <= 3; block++) {
      const r = await client.next();
      expect(r?.port).not.toBe(port); // RFC 1350 section 4: the server answers from a new port
      const d = data(r);
      expect(d.block).toBe(block);
      got.push(d.payload);
      client.send({ opcode: 4, block }, r!.port);
    }
    expect(got.map((g) => g.length)).toEqual([512, 512, 276]);
    expect(Buffer.concat(got).equals(files['three.bin']!)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(events.at(-1)).toMatchObject({ type: 'transfer-end', outcome: 'complete', bytes: 1300 });
  });

  it('never answers a duplicate ACK with data (no Sorcerer\'s Apprentice)', async () => {
    const { client, port } = await setup();
    client.send({ opcode: 1, filename: 'three.bin', mode: 'octet' }, port);
    const first = await client.next();
    expect(data(first).block).toBe(1);
    client.send({ opcode: 4, block: 1 }, first!.port);
    client.send({ opcode: 4, block: 1 }, first!.port);
    expect(data(await client.next()).block).toBe(2);
    // The duplicate must not trigger a second DATA 2 (the retransmission timer is 1 s).
    expect(await client.next(500)).toBeNull();
  });

  it('answers a repeated RRQ with the OACK again while nothing is acknowledged (at most every 250 ms), then ignores it', async () => {
    const { client, port } = await setup();
    const rrq = { opcode: 1, filename: 'three.bin', mode: 'octet', options: { blksize: '512', tsize: '0' } } as const;
    client.send(rrq, port);
    const oack = await client.next();
    expect(oack?.p.opcode).toBe(6);
    await new Promise((r) => setTimeout(r, 300));
    client.send(rrq, port); // the client did not get the OACK
    const again = await client.next(500);
    expect(again?.p.opcode).toBe(6);
    expect(again?.port).toBe(oack!.port);
    client.send(rrq, port); // within 250 ms of the last: not answered again
    expect(await client.next(200)).toBeNull();
    client.send({ opcode: 4, block: 0 }, oack!.port);
    expect(data(await client.next()).block).toBe(1);
    client.send({ opcode: 4, block: 1 }, oack!.port);
    expect(data(await client.next()).block).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    client.send(rrq, port); // something was acknowledged: a late duplicate RRQ changes nothing
    expect(await client.next(500)).toBeNull();
  });

  it('negotiates options in an OACK and sends windows, restarting after a partial ACK (RFC 7440)', async () => {
    const { client, port } = await setup();
    client.send({ opcode: 1, filename: 'fifty.bin', mode: 'octet', options: { blksize: '8', tsize: '0', windowsize: '4', unknownopt: 'x' } }, port);
    const oack = await client.next();
    expect(oack?.p).toMatchObject({ opcode: 6, options: { blksize: '8', tsize: '50', windowsize: '4' } });
    expect((oack!.p as { options: Record<string, string> }).options).not.toHaveProperty('unknownopt');
    const tid = oack!.port;
    client.send({ opcode: 4, block: 0 }, tid);
    const w1 = [await client.next(), await client.next(), await client.next(), await client.next()].map((r) => data(r).block);
    expect(w1).toEqual([1, 2, 3, 4]);
    client.send({ opcode: 4, block: 2 }, tid); // blocks 3 and 4 "lost"
    const w2 = [await client.next(), await client.next(), await client.next(), await client.next()].map((r) => data(r).block);
    expect(w2).toEqual([3, 4, 5, 6]);
    client.send({ opcode: 4, block: 6 }, tid);
    const last = data(await client.next());
    expect(last.block).toBe(7);
    expect(Buffer.from(last.payload).equals(files['fifty.bin']!.subarray(48))).toBe(true);
    client.send({ opcode: 4, block: 7 }, tid);
    expect(await client.next(300)).toBeNull();
  });

  it('retransmits with backoff, then gives up with an ERROR', async () => {
    const { client, port, events } = await setup({ timeoutMs: 200, maxRetries: 2 });
    const t0 = Date.now();
    client.send({ opcode: 1, filename: 'three.bin', mode: 'octet' }, port);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await client.next(3000);
      expect(data(r).block).toBe(1);
      times.push(r!.at - t0);
    }
    // 200 ms, then 400 ms later (doubling).
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(180);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(360);
    const err = await client.next(3000);
    expect(err?.p).toMatchObject({ opcode: 5, errorCode: 0 });
    expect(events.at(-1)).toMatchObject({ type: 'transfer-end', outcome: 'timeout', retransmissions: 2 });
  });

  it('aborts a transfer that passes its deadline', async () => {
    const { client, port, events } = await setup({ timeoutMs: 100, maxRetries: 100, deadlineMs: 450 });
    client.send({ opcode: 1, filename: 'three.bin', mode: 'octet' }, port);
    let r: Received | null;
    do r = await client.next(2000);
    while (r && r.p.opcode === 3);
    expect(r?.p).toMatchObject({ opcode: 5, errorCode: 0, errorMessage: 'transfer deadline exceeded' });
    expect(events.at(-1)).toMatchObject({ type: 'transfer-end', outcome: 'deadline' });
  });

  it('treats ERROR 8 after the OACK as the client ending a tsize probe (EDK2)', async () => {
    const { client, port, events } = await setup();
    client.send({ opcode: 1, filename: 'three.bin', mode: 'octet', options: { tsize: '0', blksize: '1468' } }, port);
    const oack = await client.next();
    expect(oack?.p).toMatchObject({ opcode: 6, options: { tsize: '1300', blksize: '1468' } });
    client.send({ opcode: 5, errorCode: 8, errorMessage: 'User aborted the transfer' }, oack!.port);
    await new Promise((r) => setTimeout(r, 100));
    expect(events.at(-1)).toMatchObject({ type: 'transfer-end', outcome: 'aborted', detail: 'client error 8: User aborted the transfer' });
  });

  it('clamps blksize to the MTU minus IP/UDP/TFTP headers', async () => {
    const { client, port } = await setup({ mtu: 600 });
    client.send({ opcode: 1, filename: 'three.bin', mode: 'octet', options: { blksize: '1468' } }, port);
    expect((await client.next())?.p).toMatchObject({ opcode: 6, options: { blksize: '568' } });
  });

  it('answers a foreign TID with ERROR 5 and keeps the transfer going', async () => {
    const { client, port } = await setup();
    const stranger = await new Client().open();
    clients.push(stranger);
    client.send({ opcode: 1, filename: 'three.bin', mode: 'octet' }, port);
    const first = await client.next();
    stranger.send({ opcode: 4, block: 1 }, first!.port);
    expect((await stranger.next())?.p).toMatchObject({ opcode: 5, errorCode: 5 });
    client.send({ opcode: 4, block: 1 }, first!.port);
    expect(data(await client.next()).block).toBe(2);
  });

  it('refuses write requests with ERROR 2 and unknown modes with ERROR 4', async () => {
    const { client, port } = await setup();
    client.send({ opcode: 2, filename: 'new.bin', mode: 'octet' }, port);
    expect((await client.next())?.p).toMatchObject({ opcode: 5, errorCode: 2 });
    client.send({ opcode: 1, filename: 'three.bin', mode: 'mail' }, port);
    expect((await client.next())?.p).toMatchObject({ opcode: 5, errorCode: 4 });
    expect(fs.existsSync(path.join(dir, 'new.bin'))).toBe(false);
  });

  it('wraps block numbers past 65535 (block 0 follows 65535) and delivers every byte', async () => {
    const { client, port } = await setup();
    const file = files['rollover.bin']!;
    client.send({ opcode: 1, filename: 'rollover.bin', mode: 'octet', options: { blksize: '8', windowsize: '64' } }, port);
    const oack = await client.next();
    const tid = oack!.port;
    client.send({ opcode: 4, block: 0 }, tid);
    const parts: Uint8Array[] = [];
    let expectBlock = 1;
    let inWindow = 0;
    let sawZero = false;
    for (;;) {
      const d = data(await client.next());
      if (d.block !== expectBlock) continue; // RFC 7440 receiver: ignore out-of-order blocks
      if (d.block === 0) sawZero = true;
      parts.push(d.payload);
      expectBlock = (expectBlock + 1) & 0xffff;
      inWindow++;
      const last = d.payload.length < 8;
      if (last || inWindow === 64) {
        client.send({ opcode: 4, block: d.block }, tid);
        inWindow = 0;
      }
      if (last) break;
    }
    expect(sawZero).toBe(true);
    expect(Buffer.concat(parts).equals(file)).toBe(true);
  }, 30_000);
});
