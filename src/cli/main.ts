// Piped into `head` (or any reader that stops early): stdout's reader is gone, which is not an
// error of ours. Stop quietly instead of printing an EPIPE stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const argv = process.argv.slice(2);
const ctx = { cwd: process.cwd(), env: process.env };
// Loaded on demand (the bundle initialises a module when it is first imported): a snapshot, whose
// start-up counts in every hash-only snapshot's time, loads only the snapshot command.
const started =
  argv[0] === 'snapshot' ? import('./snapshotProgram').then((m) => m.runSnapshotCli(argv, ctx)) : import('./program').then((m) => m.runCli(argv, ctx));
started.then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`mlwb: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
