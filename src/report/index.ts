/** Report renderers for an AnalysisJson. */
import { renderJsonDocument } from './json-stream.js';
export { renderText, renderTextReport } from './text.js';
export type { TextOptions } from './text.js';
export { clientJson, transferJson } from './json.js';
export { verdictOf, verdictInput, clientVerdict, verdictKind, VERDICT_RANK } from './verdict.js';
export type { Verdict, VerdictKind, VerdictInput } from './verdict.js';
export { SCHEMA_VERSION } from './schema.js';
export type { AnalysisJson, ClientJson, TransferJson, TimelineEntry, Stage } from './schema.js';

export { JsonReportWriter } from './json-stream.js';

/**
 * The --json output: two-space indentation, keys in a stable order (schemaVersion, clients,
 * findings, capture: the order in which `analyze --json` can stream them, see json-stream.ts).
 */
export function renderJson(a: import('./schema.js').AnalysisJson): string {
  return renderJsonDocument(a);
}
