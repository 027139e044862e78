import { Command, CommanderError } from 'commander';
import { errorMessage, isMlwbError } from '../core/errors';
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

declare const MLWB_VERSION: string | undefined;

export function buildProgram(ctx: CliContext, out: Output): Command {
  const program = new Command('mlwb')
    .description('ML Workbench: track, compare and serve ML runs from the terminal (works with or without VS Code).')
    .version(typeof MLWB_VERSION === 'string' ? MLWB_VERSION : 'dev')
    .showHelpAfterError()
    // Options after a subcommand belong to it: `monitor requests --json` is not `monitor --json`
    // (commander looks for this on every ancestor, src/cli/commands/monitor.ts sets it too).
    .enablePositionalOptions()
    .exitOverride();
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
  // Subcommands do not inherit exitOverride: without this they call process.exit(1) themselves,
  // and usage errors below the top level would not exit 2.
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

/**
 * The exit codes (docs/cli.md): 0 success, 1 failure (the store or the machine failed), 2 bad input
 * or usage (an unknown command or option, a missing or malformed argument, an id or path that does
 * not exist, a refusal such as a restore that would overwrite local changes).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Commander's own "errors" that are really the answer the user asked for. */
const COMMANDER_SUCCESS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** Runs the CLI and returns its exit code; errors a user can act on print one clear line. */
export async function runCli(argv: readonly string[], ctx: CliContext, out: Output = consoleOutput): Promise<number> {
  const program = buildProgram(ctx, out);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return COMMANDER_SUCCESS.has(e.code) || e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (isMlwbError(e)) {
      out.error(`mlwb: ${e.message}`);
      return e.code === 'NOT_FOUND' || e.code === 'INVALID_ARGUMENT' ? EXIT.usage : EXIT.failure;
    }
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))) {
      out.error(
        `mlwb: the store is damaged (${errorMessage(e)}). Run \`mlwb ingest --rebuild\` to rebuild it from the run event logs ` +
          '(the damaged file is kept as a backup).',
      );
      return EXIT.failure;
    }
    out.error(`mlwb: unexpected error: ${errorMessage(e)}`);
    // For a bug report: where it came from (MLWB_DEBUG=1).
    if (process.env['MLWB_DEBUG'] && e instanceof Error && e.stack) out.error(e.stack);
    return EXIT.failure;
  }
}
