import type { Command } from 'commander';
import { UserError } from '../errors.js';

/** Placeholder until the decode command lands (see its issue). */
export function register(program: Command): void {
  program
    .command('decode')
    .description('decode (not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new UserError('decode is not built yet');
    });
}
