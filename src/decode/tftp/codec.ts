/**
 * TFTP packet codec: RFC 1350 (RRQ, WRQ, DATA, ACK, ERROR), RFC 2347 (OACK and options),
 * RFC 2348 (blksize), RFC 2349 (timeout, tsize), RFC 7440 (windowsize); "msftwindow" is the
 * Windows Deployment Services variant. decodeTftp never throws; problems go to `anomalies`.
 */
import type { TftpAck, TftpData, TftpError, TftpOack, TftpPacket, TftpRequest } from './types.js';
import { ByteWriter, latin1String } from '../bytes.js';
import { TftpOpcode, type TftpAnomaly } from './constants.js';

const KNOWN_MODES = new Set(['netascii', 'octet', 'mail']);

/** RFC 1350 §5 error codes, plus RFC 2347's 8. */
const ERROR_NAMES: readonly string[] = [
  'Not defined',
  'File not found',
  'Access violation',
  'Disk full or allocation exceeded',
  'Illegal TFTP operation',
  'Unknown transfer ID',
  'File already exists',
  'No such user',
  'Option negotiation failed',
];

export function tftpErrorName(code: number): string {
  return ERROR_NAMES[code] ?? `unknown(${code})`;
}

const OPCODE_NAMES: readonly string[] = ['', 'RRQ', 'WRQ', 'DATA', 'ACK', 'ERROR', 'OACK'];

export function tftpOpcodeName(op: number): string {
  return OPCODE_NAMES[op] || `unknown(${op})`;
}

/** A NUL-terminated string from `start`; `next` is past the NUL (or the end when unterminated). */
function zString(b: Uint8Array, start: number): { text: string; next: number; terminated: boolean } {
  let end = start;
  while (end < b.length && b[end] !== 0) end++;
  const terminated = end < b.length;
  return { text: latin1String(b.subarray(start, end)), next: terminated ? end + 1 : end, terminated };
}

/** RFC 2347 option list: name\0value\0 pairs; names are case-insensitive (lowercased here). */
function parseOptions(b: Uint8Array, start: number, anomalies: TftpAnomaly[]): Record<string, string> {
  const options: Record<string, string> = {};
  let p = start;
  while (p < b.length) {
    if (b[p] === 0) {
      // Some clients pad the request with NULs; an empty name ends the list.
      let q = p;
      while (q < b.length && b[q] === 0) q++;
      if (q < b.length) anomalies.push({ code: 'trailing-bytes-after-options', detail: 'trailing bytes after options' });
      break;
    }
    const name = zString(b, p);
    if (!name.terminated) {
      anomalies.push({ code: 'odd-option-list', detail: 'odd option list' });
      break;
    }
    if (name.next >= b.length) {
      anomalies.push({ code: 'odd-option-list', detail: 'odd option list' });
      break;
    }
    const value = zString(b, name.next);
    if (!value.terminated) anomalies.push({ code: 'option-value-not-nul-terminated', detail: 'option value not NUL-terminated' });
    const key = name.text.toLowerCase();
    if (Object.hasOwn(options, key)) anomalies.push({ code: 'duplicate-option', detail: `duplicate option ${key}` });
    else options[key] = value.text;
    p = value.next;
  }
  return options;
}

function u16(b: Uint8Array, p: number): number {
  return ((b[p] as number) << 8) | (b[p + 1] as number);
}

/** Decodes a TFTP UDP payload; null when it cannot be TFTP (opcode outside 1-6, under 4 bytes). */
export function decodeTftp(buf: Uint8Array): TftpPacket | null {
  if (buf.length < 4) return null;
  const opcode = u16(buf, 0);
  const anomalies: TftpAnomaly[] = [];
  switch (opcode) {
    case TftpOpcode.Rrq:
    case TftpOpcode.Wrq: {
      const file = zString(buf, 2);
      if (!file.terminated) {
        anomalies.push({ code: 'filename-not-nul-terminated', detail: 'filename not NUL-terminated' });
        return { opcode, filename: file.text, mode: '', options: {}, anomalies };
      }
      const mode = zString(buf, file.next);
      if (!mode.terminated) anomalies.push({ code: 'mode-not-nul-terminated', detail: 'mode not NUL-terminated' });
      if (file.text === '') anomalies.push({ code: 'empty-filename', detail: 'empty filename' });
      if (mode.text === '') anomalies.push({ code: 'empty-mode', detail: 'empty mode' });
      else if (!KNOWN_MODES.has(mode.text.toLowerCase())) anomalies.push({ code: 'unknown-mode', detail: `unknown mode ${mode.text}` });
      const options = parseOptions(buf, mode.next, anomalies);
      return { opcode, filename: file.text, mode: mode.text, options, anomalies };
    }
    case TftpOpcode.Data:
      return { opcode, block: u16(buf, 2), length: buf.length - 4, payload: buf.subarray(4), anomalies };
    case TftpOpcode.Ack:
      if (buf.length > 4) anomalies.push({ code: 'trailing-bytes-after-ack', detail: 'trailing bytes after ACK' });
      return { opcode, block: u16(buf, 2), anomalies };
    case TftpOpcode.Error: {
      const msg = zString(buf, 4);
      if (!msg.terminated) anomalies.push({ code: 'error-message-not-nul-terminated', detail: 'error message not NUL-terminated' });
      return { opcode, errorCode: u16(buf, 2), errorMessage: msg.text, anomalies };
    }
    case TftpOpcode.Oack:
      return { opcode, options: parseOptions(buf, 2, anomalies), anomalies };
    default:
      return null;
  }
}

type WithoutAnomalies<T> = T extends unknown ? Omit<T, 'anomalies'> & { anomalies?: TftpAnomaly[] } : never;
/** What encodeTftp accepts: a packet; `anomalies`, request `mode` ("octet") and `options` optional. */
export type TftpPacketInit =
  | (Omit<TftpRequest, 'anomalies' | 'mode' | 'options'> & { mode?: string; options?: Record<string, string>; anomalies?: TftpAnomaly[] })
  | (Omit<TftpData, 'anomalies' | 'length'> & { length?: number; anomalies?: TftpAnomaly[] })
  | WithoutAnomalies<TftpAck | TftpError>
  | (Omit<TftpOack, 'anomalies' | 'options'> & { options?: Record<string, string>; anomalies?: TftpAnomaly[] });

function zWrite(w: ByteWriter, s: string): void {
  for (let i = 0; i < s.length; i++) w.u8(s.charCodeAt(i));
  w.u8(0);
}

function writeOptions(w: ByteWriter, options: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(options ?? {})) {
    zWrite(w, k);
    zWrite(w, v);
  }
}

/** Encodes a TFTP packet at `w.pos` (strings latin1, NUL-terminated) and returns a view of it. */
export function encodeTftp(p: TftpPacketInit, w: ByteWriter = new ByteWriter(64)): Uint8Array {
  const start = w.pos;
  w.u16(p.opcode);
  switch (p.opcode) {
    case TftpOpcode.Rrq:
    case TftpOpcode.Wrq:
      zWrite(w, p.filename);
      zWrite(w, p.mode ?? 'octet');
      writeOptions(w, p.options);
      break;
    case TftpOpcode.Data:
      w.u16(p.block).bytes(p.payload);
      break;
    case TftpOpcode.Ack:
      w.u16(p.block);
      break;
    case TftpOpcode.Error:
      w.u16(p.errorCode);
      zWrite(w, p.errorMessage);
      break;
    case TftpOpcode.Oack:
      writeOptions(w, p.options);
      break;
  }
  return w.buf.subarray(start, w.pos);
}
