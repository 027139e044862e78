// README's test command. Runs every layer in order and ends with one summary line
// ("total: N passed, N failed, N skipped") that CI reads:
//   static checks (typecheck, lint) → build → mocha unit + integration → packaging (the VSIX and its
//   loading proof on Node 22 and 24) → webview pages in Chromium → Python client (ruff, mypy, pytest)
//   → end-to-end (against that same VSIX).
// `--only <suite>` runs one suite (unit, integration, packaging, webview, python, e2e); MLWB_SKIP_E2E=1 skips end-to-end
// (its tests are counted as skipped in the summary).
// On a Node older than 22 it first re-runs itself on Node 24 from the npm registry (scripts/lib/node-runtime.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { runOnSupportedNode } from './lib/node-runtime.mjs';
import { installEnv } from './lib/install-env.mjs';
import { ensureContainerDeps } from './e2e/system-deps.mjs';
import { countTests } from './lib/count-tests.mjs';

// Node < 22 cannot load the store's native module: run this script on a supported Node instead.
await runOnSupportedNode(import.meta.url);

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const wants = (suite) => !only || only === suite;
const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

function step(title, command, commandArgs, options = {}) {
  console.log(`\n▶ ${title}`);
  const r = spawnSync(command, commandArgs, { stdio: 'inherit', ...options });
  if (r.status !== 0) {
    problems.push(`${title} failed (exit ${r.status ?? r.signal})`);
    return false;
  }
  return true;
}

/** Files under `dir` whose name ends with `suffix` (node:fs globSync needs Node 22). */
function findFiles(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f));
}

async function mocha(title, files, timeout) {
  console.log(`\n▶ ${title}`);
  const m = new Mocha({ reporter: 'spec', timeout, color: process.stdout.isTTY });
  for (const f of files) m.addFile(f);
  await m.loadFilesAsync(); // the scripts' own tests are ES modules
  await new Promise((resolve) => {
    const runner = m.run(() => resolve());
    runner.on('end', () => {
      totals.passed += runner.stats.passes;
      totals.failed += runner.stats.failures;
      totals.skipped += runner.stats.pending;
    });
  });
}

const tsc = ['node_modules/typescript/bin/tsc', '-p', '.'];
if (!step('type-check and compile tests', process.execPath, tsc)) totals.failed++;
if (!step('type-check webviews', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'webview'])) totals.failed++;
if (!only && !step('lint', process.execPath, ['node_modules/eslint/bin/eslint.js', '.'])) totals.failed++;
if (!only && !step('format check (prettier; `npm run format` fixes)', process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--check', '.']))
  totals.failed++;
if (!step('build bundles', process.execPath, ['scripts/build.mjs'])) totals.failed++;

if (wants('python') || wants('integration') || wants('e2e')) ensurePythonTestDeps();
// Podman, runc and mmdebstrap for the real-container test (apt-get as root; otherwise that test skips and says why).
if (wants('integration')) await ensureContainerDeps({ log: (m) => console.log(`[containers] ${m}`) });
if (wants('unit')) {
  const files = [...findFiles('out/test/unit', '.test.js').sort(), ...findFiles('test/scripts', '.test.mjs').sort()];
  await mocha('unit tests (src/core, pure extension logic, the build and install scripts)', files, 10_000);
}
if (wants('integration'))
  await mocha('integration tests (real backend and CLI processes, real Python)', findFiles('out/test/integration', '.test.js').sort(), 60_000);

// One VSIX for this machine, shared by the packaging suite and the end-to-end suite.
const vsixDir = mkdtempSync(join(tmpdir(), 'mlwb-test-vsix-'));
process.once('exit', () => rmSync(vsixDir, { recursive: true, force: true }));
let vsix;
if (wants('packaging')) {
  const out = join(vsixDir, 'ml-workbench.vsix');
  if (step('package the VSIX for this platform', process.execPath, ['scripts/package.mjs', '--out', out])) vsix = out;
  else totals.failed++;
  if (vsix) {
    process.env.MLWB_TEST_VSIX = vsix;
    await mocha('packaging (native modules in the VSIX, the packaged backend on Node 22 and 24)', findFiles('test/packaging', '.test.mjs').sort(), 600_000);
  }
}

/** The Python test peers (pytest, IPython, ipykernel, nbclient; onnx & co. for the model server), installed from PyPI when missing. */
function ensurePythonTestDeps() {
  const probe = spawnSync(
    'python3',
    [
      '-c',
      'import pytest, IPython, ipykernel, nbclient, nbformat, mypy, ruff, numpy, onnx, onnxruntime, sklearn, skl2onnx, tritonclient.http, kubernetes_validate',
    ],
    { stdio: 'ignore' },
  );
  if (probe.status === 0) return;
  console.log('installing the Python test peers: python3 -m pip install -r python/requirements-test.txt');
  spawnSync('python3', ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', 'python/requirements-test.txt'], {
    stdio: 'inherit',
    env: installEnv(),
  });
}

if (wants('webview')) {
  // The built webview pages in Chromium under the real CSP, with a stand-in host
  // (test/webview-harness): each page counts as one test.
  for (const page of ['run', 'compare', 'dataPreview', 'tryIt', 'monitor']) {
    if (step(`webview page: ${page}`, process.execPath, [`test/webview-harness/${page}.mjs`])) totals.passed++;
    else totals.failed++;
  }
}

if (wants('python')) {
  // The client is public API: lint and type-check it (pinned in python/requirements-test.txt).
  for (const [title, args] of [
    ['Python client lint (ruff)', ['-m', 'ruff', 'check', 'mlwb']],
    ['Python client type-check (mypy)', ['-m', 'mypy']],
  ]) {
    if (step(title, 'python3', args, { cwd: 'python' })) totals.passed++;
    else totals.failed++;
  }
  console.log('\n▶ Python client tests');
  const junitDir = mkdtempSync(join(tmpdir(), 'mlwb-pytest-'));
  const junit = join(junitDir, 'junit.xml');
  // NODE: the CLI the MLflow interop tests start needs this supported Node (its SQLite module is Node-API 10).
  const r = spawnSync('python3', ['-m', 'pytest', 'python/tests', '-q', '-p', 'no:cacheprovider', `--junitxml=${junit}`], {
    stdio: 'inherit',
    env: { ...process.env, NODE: process.env.NODE || process.execPath },
  });
  if (existsSync(junit)) {
    const suite = readFileSync(junit, 'utf8').match(/<testsuite [^>]*>/)?.[0] ?? '';
    const attr = (name) => Number(suite.match(new RegExp(`${name}="(\\d+)"`))?.[1] ?? 0);
    const failed = attr('failures') + attr('errors');
    const skipped = attr('skipped');
    totals.failed += failed;
    totals.skipped += skipped;
    totals.passed += attr('tests') - failed - skipped;
  } else {
    problems.push(`pytest did not run (exit ${r.status}); install it with: python3 -m pip install pytest`);
    totals.failed++;
  }
  rmSync(junitDir, { recursive: true, force: true });
}

if (wants('e2e') && process.env.MLWB_SKIP_E2E === '1') {
  // Skipped is not passed: the summary says how many end-to-end tests did not run.
  const n = await countTests(findFiles('test/e2e', '.e2e.mjs').sort());
  console.log(`\n▶ end-to-end tests skipped (MLWB_SKIP_E2E=1): ${n}`);
  totals.skipped += n;
}

if (wants('e2e') && process.env.MLWB_SKIP_E2E !== '1') {
  console.log('\n▶ end-to-end tests in code-server');
  const r = spawnSync(process.execPath, ['scripts/e2e/run.mjs', ...(vsix ? ['--vsix', vsix] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  process.stdout.write(r.stdout ?? '');
  const m = (r.stdout ?? '').match(/^e2e: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m);
  if (m) {
    totals.passed += Number(m[1]);
    totals.failed += Number(m[2]);
    totals.skipped += Number(m[3] ?? 0);
  }
  if (!m || r.status !== 0) {
    problems.push(`end-to-end run failed (exit ${r.status})`);
    if (!m || Number(m[2]) === 0) totals.failed++;
  }
}

for (const p of problems) console.log(`✖ ${p}`);
console.log(`\ntotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = totals.failed > 0 ? 1 : 0;
