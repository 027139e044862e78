// Counts the tests mocha files define without running any: loading a mocha file only registers its
// suites and tests (hooks and test bodies run later, in mocha.run). scripts/test.mjs uses it to
// report the end-to-end tests as skipped when MLWB_SKIP_E2E=1, so a skipped suite is never silent.
import { resolve } from 'node:path';
import Mocha from 'mocha';

/** @param {string[]} files */
export async function countTests(files) {
  const m = new Mocha();
  // Absolute paths: mocha resolves relative ones against its own folder.
  for (const f of files) m.addFile(resolve(f));
  await m.loadFilesAsync();
  return m.suite.total();
}
