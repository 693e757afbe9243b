import type { Command } from 'commander';
import { UserError } from '../errors.js';

/** Placeholder until the check command lands (see its issue). */
export function register(program: Command): void {
  program
    .command('check')
    .description('check (not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new UserError('check is not built yet');
    });
}
