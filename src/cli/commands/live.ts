import type { Command } from 'commander';
import { UserError } from '../errors.js';

/** Placeholder until the live command lands (see its issue). */
export function register(program: Command): void {
  program
    .command('live')
    .description('live (not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new UserError('live is not built yet');
    });
}
