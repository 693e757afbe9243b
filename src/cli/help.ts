/** What every `--help` ends with: examples and the exit codes (docs of each command say the same). */
import type { Command, Option } from 'commander';

/** The "Examples:" and "Exit codes:" block of a command's help. */
export function helpFooter(examples: string[], exitCodes: Array<[number, string]>): string {
  const codes = exitCodes.map(([n, what]) => `  ${n}  ${what}`);
  return ['', 'Examples:', ...examples.map((e) => `  $ ${e}`), '', 'Exit codes:', ...codes].join('\n');
}

/** The exit codes every command shares (README, "Exit codes everywhere"). */
export const USAGE_EXIT: [number, string] = [2, 'bad usage or unreadable input (one line on stderr)'];
export const INTERNAL_EXIT: [number, string] = [3, 'internal error (a bug; --debug shows the stack)'];

/**
 * Option descriptions with their defaults written as a person would: numbers and words without
 * quotes, and no "(default: [])" for a repeatable option that starts empty.
 */
export function optionDescription(option: Option): string {
  const extra: string[] = [];
  if (option.argChoices && !option.negate) extra.push(`one of: ${option.argChoices.join(', ')}`);
  const d: unknown = option.defaultValue;
  const shown = option.defaultValueDescription ?? (Array.isArray(d) ? (d.length ? d.join(', ') : undefined) : d === undefined || typeof d === 'boolean' ? undefined : String(d));
  if (shown !== undefined && !option.negate) extra.push(`default: ${shown}`);
  return extra.length > 0 ? `${option.description} (${extra.join('; ')})` : option.description;
}

/** The command name to point a usage error at ("analyze"), from the arguments as given. */
export function commandOf(args: string[], names: string[]): string | undefined {
  return args.find((a) => names.includes(a));
}

export type { Command };

/**
 * Whether to colour: `--color always|never|auto` (`--no-color` = never); auto colours a terminal
 * unless NO_COLOR is set, and FORCE_COLOR (not 0) colours a pipe too (`| less -R`).
 */
export function wantColor(option: string | boolean | undefined, isTty: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (option === false || option === 'never') return false;
  if (option === 'always') return true;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTty && env['TERM'] !== 'dumb';
}

/** Checks the value of --color. */
export function colorOption(value: string | boolean | undefined): string | boolean | undefined {
  if (value === undefined || typeof value === 'boolean' || ['always', 'never', 'auto'].includes(value)) return value;
  return undefined;
}
