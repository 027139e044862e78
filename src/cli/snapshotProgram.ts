import { type CliContext } from './cliPaths';
import { type Output, consoleOutput } from './output';
import { snapshotCommand } from './commands/snapshot';
import { rootCommand, runProgram } from './run';

/**
 * `mlwb snapshot ...` with only the snapshot command loaded (its own bundle, which bin.ts picks by
 * the first argument): loading every other command (servers, deploy, import, their libraries)
 * cost about 28 ms of each snapshot's start-up.
 */
export function runSnapshotCli(argv: readonly string[], ctx: CliContext, out: Output = consoleOutput): Promise<number> {
  const program = rootCommand();
  program.addCommand(snapshotCommand(ctx, out));
  return runProgram(program, argv, out);
}
