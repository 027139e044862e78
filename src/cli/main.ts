import { runCli } from './program';

// Piped into `head` (or any reader that stops early): stdout's reader is gone, which is not an
// error of ours. Stop quietly instead of printing an EPIPE stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

runCli(process.argv.slice(2), { cwd: process.cwd(), env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`mlwb: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
