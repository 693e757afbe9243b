import type { Command } from 'commander';
import { UserError } from '../errors.js';

/** Placeholder until the probe command lands (see its issue). */
export function register(program: Command): void {
  program
    .command('probe')
    .description('probe (not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new UserError('probe is not built yet');
    });
}
