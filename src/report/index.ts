/** Report renderers for an AnalysisJson. */
export { renderText, renderTextReport } from './text.js';
export type { TextOptions } from './text.js';
export { clientJson, transferJson, verdict } from './json.js';
export { SCHEMA_VERSION } from './schema.js';
export type { AnalysisJson, ClientJson, TransferJson, TimelineEntry, Stage } from './schema.js';

/** The --json output: stable key order, two-space indentation. */
export function renderJson(a: import('./schema.js').AnalysisJson): string {
  return `${JSON.stringify(a, null, 2)}\n`;
}
