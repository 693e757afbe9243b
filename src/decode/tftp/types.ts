/** TFTP packets (RFC 1350) with RFC 2347 options. */

export const TftpOpcode = { Rrq: 1, Wrq: 2, Data: 3, Ack: 4, Error: 5, Oack: 6 } as const;

export interface TftpRequest {
  opcode: 1 | 2;
  filename: string; // latin1, exactly as on the wire (garbage bytes kept)
  mode: string;
  /** Options in wire order, names lowercased; values as strings. */
  options: Record<string, string>;
  anomalies: string[];
}
export interface TftpData {
  opcode: 3;
  block: number;
  /** Payload length in bytes. */
  length: number;
  /** View of the payload (valid only during the callback; copy what you keep). */
  payload: Uint8Array;
  anomalies: string[];
}
export interface TftpAck {
  opcode: 4;
  block: number;
  anomalies: string[];
}
export interface TftpError {
  opcode: 5;
  errorCode: number;
  errorMessage: string;
  anomalies: string[];
}
export interface TftpOack {
  opcode: 6;
  options: Record<string, string>;
  anomalies: string[];
}
export type TftpPacket = TftpRequest | TftpData | TftpAck | TftpError | TftpOack;
