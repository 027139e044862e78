// Counts the tests mocha files define without running any: loading a mocha file only registers its
// suites and tests (hooks and test bodies run later, in mocha.run). scripts/test.mjs uses it to
// report the end-to-end tests as skipped when MLWB_SKIP_E2E=1, so a skipped suite is never silent.
// The files are loaded in a child process: an ES module imported once before in this process (the
// unit suite's own test of this file does) is not evaluated again, and would count as no tests.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';

/** @param {string[]} files */
export async function countTests(files) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...files.map((f) => resolve(f))], { encoding: 'utf8', timeout: 60_000 });
  const n = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isInteger(n)) throw new Error(`counting the tests in ${files.length} files failed: ${r.stderr || r.stdout}`);
  return n;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const m = new Mocha();
  for (const f of process.argv.slice(2)) m.addFile(f);
  await m.loadFilesAsync();
  console.log(m.suite.total());
}
