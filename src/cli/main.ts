import { runCli } from './program';

runCli(process.argv.slice(2), { cwd: process.cwd(), env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`mlwb: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
