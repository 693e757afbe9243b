/** TFTP packets (RFC 1350) with RFC 2347 options. */

import type { TftpAnomaly, TftpOpcode } from './constants.js';

export interface TftpRequest {
  opcode: typeof TftpOpcode.Rrq | typeof TftpOpcode.Wrq;
  filename: string; // latin1, exactly as on the wire (garbage bytes kept)
  mode: string;
  /** Options in wire order, names lowercased; values as strings. */
  options: Record<string, string>;
  anomalies: TftpAnomaly[];
}
export interface TftpData {
  opcode: typeof TftpOpcode.Data;
  block: number;
  /** Payload length in bytes. */
  length: number;
  /** View of the payload (valid only during the callback; copy what you keep). */
  payload: Uint8Array;
  anomalies: TftpAnomaly[];
}
export interface TftpAck {
  opcode: typeof TftpOpcode.Ack;
  block: number;
  anomalies: TftpAnomaly[];
}
export interface TftpError {
  opcode: typeof TftpOpcode.Error;
  errorCode: number;
  errorMessage: string;
  anomalies: TftpAnomaly[];
}
export interface TftpOack {
  opcode: typeof TftpOpcode.Oack;
  options: Record<string, string>;
  anomalies: TftpAnomaly[];
}
export type TftpPacket = TftpRequest | TftpData | TftpAck | TftpError | TftpOack;
