// The end-to-end entry for CI and developers: setup -> VSIX for Node 24 -> mocha e2e suite -> exit code.
//   node scripts/e2e/run.mjs [--grep <pattern>] [--vsix <prebuilt.vsix>]
// Env: MLWB_E2E_CACHE (installs), MLWB_E2E_OUT (artifacts root, default .e2e-artifacts), MLWB_E2E_KEEP=1 (keep temp dirs).
// Ends with the line "e2e: N passed, N failed".
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Mocha from 'mocha';
import { packageVsix, REPO_ROOT } from './package-vsix.mjs';
import { exitOnSignals, StepError } from './proc.mjs';
import { setup } from './setup.mjs';
import { runOnSupportedNode } from '../lib/node-runtime.mjs';

// Node < 22 cannot load the store's native module: run this script on a supported Node instead.
await runOnSupportedNode(import.meta.url);

const args = process.argv.slice(2);
const opt = (/** @type {string} */ name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const t0 = Date.now();
const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
let passed = 0;
let failed = 0;

const runDir = resolve(process.env.MLWB_E2E_OUT || join(REPO_ROOT, '.e2e-artifacts'), new Date().toISOString().replace(/[:.]/g, '-'));
mkdirSync(runDir, { recursive: true });
process.env.MLWB_E2E_RUN_DIR = runDir;
console.log(`e2e artifacts: ${runDir}`);

const tmp = mkdtempSync(join(tmpdir(), 'mlwb-e2e-'));
process.once('exit', () => {
  if (process.env.MLWB_E2E_KEEP !== '1') rmSync(tmp, { recursive: true, force: true });
  console.log(`e2e artifacts: ${runDir}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
});
exitOnSignals();

try {
  await setup();
  console.log(`[e2e] setup ready after ${secs()}`);
  const given = opt('--vsix');
  process.env.MLWB_E2E_VSIX = given ? resolve(given) : await packageVsix({ out: join(tmp, 'ml-workbench-e2e.vsix') });
  const files = testFiles(join(REPO_ROOT, 'test', 'e2e'));
  if (files.length === 0) throw new Error('no test/e2e/**/*.e2e.mjs files');
  const mocha = new Mocha({ timeout: 120_000, reporter: 'spec', grep: opt('--grep') });
  files.forEach((f) => mocha.addFile(f));
  await mocha.loadFilesAsync();
  const stats = await new Promise((done) => {
    const runner = mocha.run(() => done(runner.stats));
  });
  passed = stats?.passes ?? 0;
  failed = stats?.failures ?? 0;
  if (passed + failed === 0) failed = 1; // a run that tested nothing is not a pass
  console.log(`[e2e] finished in ${secs()}`);
} catch (err) {
  console.error(`[e2e] failed.\n${err instanceof StepError ? err.describe() : (/** @type {Error} */ (err).stack ?? err)}`);
  failed = Math.max(failed, 1);
}
process.exit(failed ? 1 : 0);

/**
 * @param {string} dir
 * @returns {string[]}
 */
function testFiles(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.e2e.mjs'))
    .sort()
    .map((f) => join(dir, f));
}
