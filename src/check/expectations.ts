/**
 * Expectations files for `pxe-doctor check`: what a capture must still show. YAML or JSON (JSON is
 * YAML 1.2, so one parser gives line numbers for both). Every key is checked: a typo must fail
 * loudly (exit 2, file:line) instead of silently checking nothing.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Stage } from '../report/schema.js';
import type { Severity } from '../diagnose/finding.js';
import { rules } from '../diagnose/rules/index.js';
import { closest } from './suggest.js';

/** Every finding id a rule can report: an id outside it would silently check nothing. */
export const KNOWN_FINDING_IDS: readonly string[] = rules.map((r) => r.id);

export const STAGES: readonly Stage[] = ['none', 'discover', 'offer', 'bound', 'proxy', 'tftp', 'nbp', 'second-stage'];
export const SEVERITY_LIMITS = ['none', 'info', 'warning', 'error'] as const;
/** `maxSeverity: none` = no finding at all; otherwise no finding above that severity. */
export type SeverityLimit = (typeof SEVERITY_LIMITS)[number];

/** What one client (by MAC) must show. Every field is optional: only what is given is checked. */
export interface ClientExpectations {
  ok?: boolean;
  /** The client's verdict (src/report/verdict.ts): the whole text, or its first words ("FAILED at tftp", "INCOMPLETE"). */
  verdict?: string;
  /** Exactly this stage. */
  stage?: Stage;
  /** At least this stage. */
  minStage?: Stage;
  /** The boot file the client was given; null = none offered. */
  bootFile?: string | null;
  bootServer?: string | null;
  /** Finding ids that must be reported for this client. */
  findings?: string[];
  /** Finding ids that must not be reported for this client. */
  notFindings?: string[];
  maxSeverity?: SeverityLimit;
  /** Where the client's block starts in the file (for messages). */
  line: number;
}

/** What the whole capture must show (all clients, all findings). */
export interface CaptureExpectations {
  /** Every client booted and no error-level finding anywhere (and at least one client). */
  ok?: boolean;
  clientCount?: number;
  /** Finding ids that must appear somewhere in the capture (any client, or capture-wide). */
  findings?: string[];
  notFindings?: string[];
  maxSeverity?: SeverityLimit;
  line: number;
}

export interface Expectations {
  /** The expectations file it came from. */
  file: string;
  /** The capture it is about, as written (relative to the file's directory). */
  capture?: string;
  description?: string;
  /** Lowercase colon-separated MAC → expectations, in file order. */
  clients: Map<string, ClientExpectations>;
  captureWide?: CaptureExpectations;
}

/** A bad expectations file: the CLI turns it into one line and exit code 2. */
export class ExpectationsError extends Error {}

const TOP_KEYS = ['capture', 'description', 'clients', 'capture-wide', 'captureWide'];
const CLIENT_KEYS = ['ok', 'verdict', 'stage', 'minStage', 'bootFile', 'bootServer', 'findings', 'mustInclude', 'notFindings', 'mustNotInclude', 'maxSeverity'];
const CAPTURE_KEYS = ['ok', 'clientCount', 'findings', 'mustInclude', 'notFindings', 'mustNotInclude', 'maxSeverity'];

/** "52-54-00-BE-00-01" → "52:54:00:be:00:01"; undefined when it is not a hardware address. */
export function normalizeMac(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  // Ethernet is 6 bytes; InfiniBand-style chaddr can be up to 16 (RFC 2131 §2, hlen).
  if (!/^[0-9a-f]{2}([:-][0-9a-f]{2}){0,15}$/.test(t)) return undefined;
  return t.replace(/-/g, ':');
}

export function parseExpectations(text: string, file: string): Expectations {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const fail = (node: Node | null | undefined, message: string): never => {
    throw new ExpectationsError(`${file}:${lineOf(node)}: ${message}`);
  };
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0].line ?? 1;
    const message = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ExpectationsError(`${file}:${line}: syntax error: ${message}`);
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    throw new ExpectationsError(`${file}: the file is empty; it needs "clients:" and/or "capture-wide:"`);
  }
  if (!isMap(root)) fail(root, 'the top level must be a mapping with "clients:" and/or "capture-wide:"');
  const top = root as YAMLMap;

  const result: Expectations = { file, clients: new Map() };
  for (const pair of pairs(top, fail)) {
    const key = keyOf(pair, fail);
    const value = pair.value as Node | null;
    switch (key) {
      case 'capture':
        result.capture = str(value, 'capture', fail);
        break;
      case 'description':
        result.description = str(value, 'description', fail);
        break;
      case 'clients': {
        if (isScalar(value) && value.value === null) break;
        if (!isMap(value)) fail(value ?? (pair.key as Node), '"clients" must map client MAC addresses to their expectations');
        for (const cp of pairs(value as YAMLMap, fail)) {
          const raw = keyOf(cp, fail);
          const mac = normalizeMac(raw);
          if (!mac) fail(cp.key as Node, `"${raw}" is not a client MAC address (like 52:54:00:12:34:56)`);
          if (result.clients.has(mac!)) fail(cp.key as Node, `client ${mac} is listed twice`);
          result.clients.set(mac!, clientBlock(cp, `client ${mac}`, fail, lineOf));
        }
        break;
      }
      case 'capture-wide':
      case 'captureWide':
        if (result.captureWide) fail(pair.key as Node, 'give "capture-wide" only once');
        result.captureWide = captureBlock(pair, fail, lineOf);
        break;
      default:
        fail(pair.key as Node, unknownKey(key, 'at the top level', TOP_KEYS));
    }
  }
  if (result.clients.size === 0 && !result.captureWide) {
    throw new ExpectationsError(`${file}: nothing to check: give "clients:" and/or "capture-wide:"`);
  }
  return result;
}

type Fail = (node: Node | null | undefined, message: string) => never;

function pairs(map: YAMLMap, fail: Fail): Pair[] {
  for (const p of map.items) if (!isScalar(p.key)) fail(p.key as Node, 'keys must be plain words');
  return map.items as Pair[];
}

function keyOf(pair: Pair, _fail: Fail): string {
  return String((pair.key as { value: unknown }).value);
}

function unknownKey(key: string, where: string, known: string[]): string {
  const near = known.find((k) => k.toLowerCase() === key.toLowerCase().replace(/[-_ ]/g, ''));
  return `unknown key "${key}" ${where}${near ? ` (did you mean "${near}"?)` : ''} (known: ${known.join(', ')})`;
}

function str(node: Node | null, what: string, fail: Fail): string {
  if (!isScalar(node) || typeof node.value !== 'string') fail(node, `"${what}" must be a string`);
  return (node as { value: string }).value;
}

function strOrNull(node: Node | null, what: string, fail: Fail): string | null {
  if (isScalar(node) && node.value === null) return null;
  return str(node, what, fail);
}

function bool(node: Node | null, what: string, fail: Fail): boolean {
  if (!isScalar(node) || typeof node.value !== 'boolean') fail(node, `"${what}" must be true or false`);
  return (node as { value: boolean }).value;
}

function ids(node: Node | null, what: string, fail: Fail): string[] {
  // A single id is accepted as a one-element list.
  if (isScalar(node) && typeof node.value === 'string') return [node.value];
  if (isScalar(node) && node.value === null) return [];
  if (!isSeq(node)) fail(node, `"${what}" must be a list of finding ids, like [no-boot-file]`);
  return (node as { items: unknown[] }).items.map((item) => {
    if (!isScalar(item) || typeof item.value !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(item.value)) {
      fail(item as Node, `"${what}" entries must be finding ids (kebab-case, like tftp-file-not-found)`);
    }
    const id = (item as { value: string }).value;
    if (!KNOWN_FINDING_IDS.includes(id)) {
      const near = closest(id, KNOWN_FINDING_IDS);
      fail(item as Node, `"${id}" is not a finding id${near ? ` (did you mean "${near}"?)` : ''}; the ids are listed in docs/analyze.md#rules`);
    }
    return id;
  });
}

function oneOf<T extends string>(node: Node | null, what: string, allowed: readonly T[], fail: Fail): T {
  if (!isScalar(node) || !allowed.includes(node.value as T)) fail(node, `"${what}" must be one of: ${allowed.join(', ')}`);
  return (node as { value: T }).value;
}

function entries(pair: Pair, where: string, fail: Fail): Pair[] {
  const value = pair.value as Node | null;
  if (isScalar(value) && value.value === null) return [];
  if (!isMap(value)) fail(value ?? (pair.key as Node), `${where} must be a mapping of expectations`);
  return pairs(value as YAMLMap, fail);
}

/** The finding keys a client block and "capture-wide" both take; false when `key` is not one of them. */
function findingKey(out: Pick<ClientExpectations, 'findings' | 'notFindings' | 'maxSeverity'>, key: string, v: Node | null, fail: Fail): boolean {
  switch (key) {
    case 'findings':
    case 'mustInclude':
      out.findings = [...(out.findings ?? []), ...ids(v, key, fail)];
      return true;
    case 'notFindings':
    case 'mustNotInclude':
      out.notFindings = [...(out.notFindings ?? []), ...ids(v, key, fail)];
      return true;
    case 'maxSeverity':
      out.maxSeverity = oneOf(v, key, SEVERITY_LIMITS, fail);
      return true;
    default:
      return false;
  }
}

function clientBlock(pair: Pair, where: string, fail: Fail, lineOf: (n: Node) => number): ClientExpectations {
  const out: ClientExpectations = { line: lineOf(pair.key as Node) };
  for (const p of entries(pair, where, fail)) {
    const key = keyOf(p, fail);
    const v = p.value as Node | null;
    switch (key) {
      case 'ok':
        out.ok = bool(v, key, fail);
        break;
      case 'verdict': {
        const text = str(v, key, fail);
        if (!/^(OK|FAILED|INCOMPLETE|NOT A PXE CLIENT)\b/.test(text)) fail(v, '"verdict" must start with OK, FAILED, INCOMPLETE or NOT A PXE CLIENT (docs/analyze.md#verdicts)');
        out.verdict = text;
        break;
      }
      case 'stage':
        out.stage = oneOf(v, key, STAGES, fail);
        break;
      case 'minStage':
        out.minStage = oneOf(v, key, STAGES, fail);
        break;
      case 'bootFile':
        out.bootFile = strOrNull(v, key, fail);
        break;
      case 'bootServer':
        out.bootServer = strOrNull(v, key, fail);
        break;
      default:
        if (!findingKey(out, key, v, fail)) fail(p.key as Node, unknownKey(key, `for ${where}`, CLIENT_KEYS));
    }
  }
  return out;
}

function captureBlock(pair: Pair, fail: Fail, lineOf: (n: Node) => number): CaptureExpectations {
  const out: CaptureExpectations = { line: lineOf(pair.key as Node) };
  for (const p of entries(pair, '"capture-wide"', fail)) {
    const key = keyOf(p, fail);
    const v = p.value as Node | null;
    switch (key) {
      case 'ok':
        out.ok = bool(v, key, fail);
        break;
      case 'clientCount': {
        if (!isScalar(v) || typeof v.value !== 'number' || !Number.isInteger(v.value) || v.value < 0) {
          fail(v, '"clientCount" must be a whole number');
        }
        out.clientCount = (v as { value: number }).value;
        break;
      }
      default:
        if (!findingKey(out, key, v, fail)) fail(p.key as Node, unknownKey(key, 'in "capture-wide"', CAPTURE_KEYS));
    }
  }
  return out;
}

/** Severity of a limit as a rank: none = -1 (nothing allowed), info 0, warning 1, error 2. */
export function limitRank(limit: SeverityLimit): number {
  return limit === 'none' ? -1 : { info: 0, warning: 1, error: 2 }[limit as Severity];
}
