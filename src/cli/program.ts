import { Command, CommanderError } from 'commander';
import { errorMessage, isMlwbError } from '../core/errors';
import { type CliContext } from './context';
import { type Output, consoleOutput } from './output';
import { runsCommand } from './commands/runs';
import { snapshotCommand } from './commands/snapshot';
import { ingestCommand } from './commands/ingest';
import { modelsCommand } from './commands/models';

declare const MLWB_VERSION: string | undefined;

export function buildProgram(ctx: CliContext, out: Output): Command {
  const program = new Command('mlwb')
    .description('ML Workbench: track, compare and serve ML runs from the terminal (works with or without VS Code).')
    .version(typeof MLWB_VERSION === 'string' ? MLWB_VERSION : 'dev')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(runsCommand(ctx, out));
  program.addCommand(snapshotCommand(ctx, out));
  program.addCommand(ingestCommand(ctx, out));
  program.addCommand(modelsCommand(ctx, out));
  return program;
}

/** Runs the CLI and returns its exit code; errors a user can act on print one clear line. */
export async function runCli(argv: readonly string[], ctx: CliContext, out: Output = consoleOutput): Promise<number> {
  const program = buildProgram(ctx, out);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    out.error(isMlwbError(e) ? `mlwb: ${e.message}` : `mlwb: unexpected error: ${errorMessage(e)}`);
    return isMlwbError(e) && e.code === 'NOT_FOUND' ? 2 : 1;
  }
}
