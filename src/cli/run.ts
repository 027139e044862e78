import { Command, CommanderError } from 'commander';
import { errorMessage, isMlwbError } from '../core/errors';
import { type Output } from './output';

declare const MLWB_VERSION: string | undefined;

/** The `mlwb` root command, before any subcommand is added. */
export function rootCommand(): Command {
  return (
    new Command('mlwb')
      .description('ML Workbench: track, compare and serve ML runs from the terminal (works with or without VS Code).')
      .version(typeof MLWB_VERSION === 'string' ? MLWB_VERSION : 'dev')
      .showHelpAfterError()
      // Options after a subcommand belong to it: `monitor requests --json` is not `monitor --json`
      // (commander looks for this on every ancestor, src/cli/commands/monitor.ts sets it too).
      .enablePositionalOptions()
      .exitOverride()
  );
}

/**
 * The exit codes (docs/cli.md): 0 success, 1 failure (the store or the machine failed), 2 bad input
 * or usage (an unknown command or option, a missing or malformed argument, an id or path that does
 * not exist, a refusal such as a restore that would overwrite local changes).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Commander's own "errors" that are really the answer the user asked for. */
const COMMANDER_SUCCESS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** Runs a built program and returns its exit code; errors a user can act on print one clear line. */
export async function runProgram(program: Command, argv: readonly string[], out: Output): Promise<number> {
  // Subcommands do not inherit exitOverride: without this they call process.exit(1) themselves,
  // and usage errors below the top level would not exit 2.
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
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
