/**
 * The `analyze --json` document, written while the capture is still being read: each client is
 * serialised as soon as the analysis hands it over and then dropped, so a capture with 10 000
 * clients never holds 10 000 client objects (or one 40 MB string) in memory. `findings` and
 * `capture` (frame count, duration, warnings) are only known at the end, so they come last.
 *
 * The bytes are exactly `JSON.stringify({ schemaVersion, clients, findings, capture }, null, 2)`:
 * renderJson() goes through the same writer, and a test holds the two together.
 */
import type { AnalysisJson, ClientJson } from './schema.js';
import { SCHEMA_VERSION } from './schema.js';

/** Output is handed over in chunks of about this many characters (one write per chunk). */
const CHUNK = 1 << 16;

/** What JSON.stringify([[client]], null, 2) puts around the client, two levels deep. */
const CLIENT_OPEN = '[\n  [\n    ';
const CLIENT_CLOSE = '\n  ]\n]';

/** `JSON.stringify(value, null, 2)` for a value whose own line starts at indentation `pad`. */
function nested(value: unknown, pad: string): string {
  // JSON.stringify escapes newlines inside strings, so every '\n' here is between tokens.
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`);
}

export class JsonReportWriter {
  private readonly out: (chunk: string) => void;
  private buf = '';
  private clients = 0;
  private ended = false;

  /** `out` receives the document in order, in chunks (e.g. `(s) => process.stdout.write(s)`). */
  constructor(out: (chunk: string) => void) {
    this.out = out;
  }

  /** Clients written so far. */
  get clientCount(): number {
    return this.clients;
  }

  client(c: ClientJson): void {
    if (this.ended) throw new Error('JsonReportWriter: client() after end()');
    // The header waits for the first client: a capture that turns out unreadable prints nothing.
    if (this.clients === 0) this.buf += `{\n  "schemaVersion": ${SCHEMA_VERSION},\n  "clients": [\n    `;
    else this.buf += ',\n    ';
    // A client sits two levels deep (document > clients > client): stringify it two levels deep
    // and cut the brackets off, rather than re-indenting its text with a replace.
    const wrapped = JSON.stringify([[c]], null, 2);
    this.buf += wrapped.slice(CLIENT_OPEN.length, wrapped.length - CLIENT_CLOSE.length);
    this.clients++;
    if (this.buf.length >= CHUNK) this.flush();
  }

  /** Writes the clients `a` still holds (if any), then findings and capture, and closes the document. */
  end(a: Pick<AnalysisJson, 'clients' | 'findings' | 'capture'>): void {
    for (const c of a.clients) this.client(c);
    this.buf += this.clients === 0 ? `{\n  "schemaVersion": ${SCHEMA_VERSION},\n  "clients": [],\n` : '\n  ],\n';
    this.buf += `  "findings": ${nested(a.findings, '  ')},\n  "capture": ${nested(a.capture, '  ')}\n}\n`;
    this.ended = true;
    this.flush();
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    const s = this.buf;
    this.buf = '';
    this.out(s);
  }
}

/** The whole document as one string (small analyses; `check`, tests). */
export function renderJsonDocument(a: AnalysisJson): string {
  let s = '';
  new JsonReportWriter((chunk) => (s += chunk)).end(a);
  return s;
}
