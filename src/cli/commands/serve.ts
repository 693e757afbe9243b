import type { Command } from 'commander';
import { UserError } from '../errors.js';

/** Placeholder until the serve command lands (see its issue). */
export function register(program: Command): void {
  program
    .command('serve')
    .description('serve (not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new UserError('serve is not built yet');
    });
}
