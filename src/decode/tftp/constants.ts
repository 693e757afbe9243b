/** Names for the numbers of TFTP (RFC 1350, RFC 2347): opcodes and error codes. */

/** The TFTP server's well-known port (RFC 1350 §4); a transfer goes on from new ports. */
export const TFTP_PORT = 69;

export const TftpOpcode = { Rrq: 1, Wrq: 2, Data: 3, Ack: 4, Error: 5, Oack: 6 } as const;

/** ERROR packet codes (RFC 1350 §5, RFC 2347 for 8). */
export const TftpErrorCode = {
  NotDefined: 0,
  FileNotFound: 1,
  AccessViolation: 2,
  DiskFull: 3,
  IllegalOperation: 4,
  UnknownTransferId: 5,
  FileExists: 6,
  NoSuchUser: 7,
  /** RFC 2347: the client refuses the server's options (EDK2 ends its tsize probe with it). */
  OptionNegotiation: 8,
} as const;

/** What the TFTP decoder found wrong, as a stable code; the detail is the printed text. */
export type TftpAnomalyCode =
  | 'trailing-bytes-after-options'
  | 'odd-option-list'
  | 'option-value-not-nul-terminated'
  | 'duplicate-option'
  | 'filename-not-nul-terminated'
  | 'mode-not-nul-terminated'
  | 'empty-filename'
  | 'empty-mode'
  | 'unknown-mode'
  | 'trailing-bytes-after-ack'
  | 'error-message-not-nul-terminated';

export interface TftpAnomaly {
  code: TftpAnomalyCode;
  detail: string;
}
