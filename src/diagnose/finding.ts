/** A diagnosis: what stops (or risks) a client's boot, the frames that prove it, the cause and the fix. */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable kebab-case rule id (a contract: users' CI matches on it). */
  id: string;
  severity: Severity;
  /** The client's MAC, lowercase with colons; "" for capture-wide findings. */
  client: string;
  /** Evidence: 1-based frame numbers, as Wireshark shows them. */
  frames: number[];
  title: string;
  cause: string;
  fix: string;
  /** The firmware message this explains, e.g. "PXE-E53". */
  firmwareMessage?: string;
  /**
   * When the capture was read from several files: where the evidence frames are, per file, with
   * the frame numbers inside that file (docs/capture.md, "Several files").
   */
  files?: { file: string; frames: number[] }[];
  /** Seconds since the first frame where the problem shows (for diagrams). */
  time?: number;
}

export const severityRank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
