/** Shared by the boot-chain rules (issue 18): the client's chain of stages as of the rule context. */
import { bootChain, type Chain, type ChainStage } from '../exchange/chain/stages.js';
import type { ClientRecord } from '../exchange/types.js';
import type { RuleContext } from './rule.js';

export function chainOf(c: ClientRecord, ctx: RuleContext): Chain {
  return bootChain(c, { captureEnd: ctx.captureEnd, final: ctx.final });
}

/** The stages that failed for one of `failures`, in order. */
export function failedStages(c: ClientRecord, ctx: RuleContext, failures: readonly string[]): ChainStage[] {
  return chainOf(c, ctx).stages.filter((s) => s.status === 'failed' && s.failure !== undefined && failures.includes(s.failure));
}

/** "the iPXE stage's DHCP" style label for a stage's position: what ran it. */
export function ranBy(c: ClientRecord, ctx: RuleContext, s: ChainStage): ChainStage | undefined {
  const stages = chainOf(c, ctx).stages;
  for (let i = stages.indexOf(s) - 1; i >= 0; i--) if (stages[i]!.kind === 'nbp') return stages[i];
  return undefined;
}
