import type { Command } from 'commander';
import { UserError } from '../errors.js';

/** Placeholder until the analyze command lands (see its issue). */
export function register(program: Command): void {
  program
    .command('analyze')
    .description('analyze (not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new UserError('analyze is not built yet');
    });
}
