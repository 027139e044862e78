import type { CliContext } from './cliPaths';

/**
 * What both CLI bundles do with the process: run `run` on the arguments and make its result the
 * exit code. A rejection prints one line; a reader that stops early (`| head`) ends it quietly.
 * `exitWhenDone` ends the process when the command is done instead of when Node's event loop is.
 */
export function startCli(run: (argv: readonly string[], ctx: CliContext) => Promise<number>, options: { exitWhenDone?: boolean } = {}): void {
  // Piped into `head` (or any reader that stops early): stdout's reader is gone, which is not an
  // error of ours. Stop quietly instead of printing an EPIPE stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  run(process.argv.slice(2), { cwd: process.cwd(), env: process.env }).then(
    (code) => {
      process.exitCode = code;
      // Once stdout has taken the last output (a pipe may still hold it on Windows).
      if (options.exitWhenDone) process.stdout.write('', () => process.exit(code));
    },
    (e: unknown) => {
      process.stderr.write(`mlwb: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
