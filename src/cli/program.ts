import { type Command } from 'commander';
import { type CliContext } from './context';
import { type Output, consoleOutput } from './output';
import { runsCommand } from './commands/runs';
import { snapshotCommand } from './commands/snapshot';
import { ingestCommand } from './commands/ingest';
import { serveCommand } from './commands/serve';
import { modelsCommand } from './commands/models';
import { deployCommands } from './commands/deploy';
import { packageCommand } from './commands/package';
import { monitorCommand } from './commands/monitor';
import { serverCommand } from './commands/server';
import { importCommand } from './commands/import';
import { syncCommand } from './commands/sync';
import { EXIT, rootCommand, runProgram } from './run';

export { EXIT };

export function buildProgram(ctx: CliContext, out: Output): Command {
  const program = rootCommand();
  program.addCommand(runsCommand(ctx, out));
  program.addCommand(snapshotCommand(ctx, out));
  program.addCommand(ingestCommand(ctx, out));
  program.addCommand(modelsCommand(ctx, out));
  program.addCommand(serveCommand(ctx, out));
  for (const c of deployCommands(ctx, out)) program.addCommand(c);
  program.addCommand(packageCommand(ctx, out));
  program.addCommand(monitorCommand(ctx, out));
  program.addCommand(serverCommand(ctx, out));
  program.addCommand(importCommand(ctx, out));
  program.addCommand(syncCommand(ctx, out));
  return program;
}

/** Runs the CLI and returns its exit code; errors a user can act on print one clear line. */
export function runCli(argv: readonly string[], ctx: CliContext, out: Output = consoleOutput): Promise<number> {
  return runProgram(buildProgram(ctx, out), argv, out);
}
