// npm run demo [-- --port 8080] [--dir <folder>] [--vsix <prebuilt.vsix>]
// Builds the extension, creates a demo ML project (default ${MLWB_DEMO_DIR:-~/ml-workbench-demo}) with a few
// real tracked runs, and serves it in code-server on 127.0.0.1 until Ctrl-C.
// The console gets one progress line per step; the details (apt, npm, packaging, training output)
// go to log files whose paths are printed, and a failure names the step, its log and what to do.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { startCodeServer } from './e2e/codeserver.mjs';
import { createDemoWorkspace, DEMO_RUNS, executeDemoNotebook } from './e2e/demo-workspace.mjs';
import { packageVsix, REPO_ROOT } from './e2e/package-vsix.mjs';
import { describeFailure, exitOnSignals, onPath, run } from './e2e/proc.mjs';
import { setup } from './e2e/setup.mjs';
import { runOnSupportedNode, toolCacheDir } from './lib/node-runtime.mjs';

// Node < 22 cannot load the store's native module: run this script on a supported Node instead.
await runOnSupportedNode(import.meta.url);

const args = process.argv.slice(2);
const opt = (/** @type {string} */ name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const log = (/** @type {string} */ msg) => console.log(`[demo] ${msg}`);
const t0 = Date.now();
const STEPS = 5;
let stepNo = 0;
/** One progress line per step, with the time since the start. @param {string} what */
const progress = (what) => log(`${++stepNo}/${STEPS} ${what} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
// Details of this run (packaging, training); the one-time installs keep their own logs next to it.
const logDir = join(toolCacheDir(), 'logs');
mkdirSync(logDir, { recursive: true });
const logFile = join(logDir, 'demo.log');
writeFileSync(logFile, `npm run demo, ${new Date().toISOString()}\n`);

/** @type {Awaited<ReturnType<typeof startCodeServer>> | undefined} */
let server;
let stopping = false;
exitOnSignals(async () => {
  stopping = true;
  log('stopping…');
  await server?.stop();
});

try {
  const requestedPort = Number(opt('--port') ?? 8080);
  if (!Number.isInteger(requestedPort) || requestedPort < 1 || requestedPort > 65535) throw new Error(`bad --port ${opt('--port')}`);
  const dir = resolve(opt('--dir') || process.env.MLWB_DEMO_DIR || join(homedir(), 'ml-workbench-demo'));
  const pythonPath = join(REPO_ROOT, 'python');

  log(`details go to ${logFile}`);
  progress('tools: Node 24, code-server and Chromium (the first time takes a few minutes; later runs reuse the cache)');
  const paths = await setup({ log: (msg) => log(`  ${msg}`) });
  const given = opt('--vsix');
  progress(given ? `using the given VSIX ${given}` : 'packaging the extension');
  const vsix = given
    ? resolve(given)
    : await packageVsix({ out: join(paths.cacheDir, 'demo', 'ml-workbench-demo.vsix'), log: (msg) => log(`  ${msg}`), logFile });
  progress(`creating the demo workspace in ${dir}`);
  createDemoWorkspace(dir, { pythonPath });
  progress('recording a few training runs');
  await trainRuns(dir, pythonPath);

  progress('starting code-server');
  server = await startCodeServer({ codeServerBin: paths.codeServerBin, vsix, folder: dir, port: requestedPort, log: (msg) => log(`  ${msg}`) });
  if (server.port !== requestedPort) log(`port ${requestedPort} is in use; using ${server.port}`);
  const line = '='.repeat(72);
  console.log(`\n${line}\n  ML Workbench demo is running:\n\n    ${server.url}\n\n  workspace: ${dir}\n  Press Ctrl-C to stop.\n${line}\n`);
  const why = await server.exited;
  if (stopping) await new Promise(() => {}); // the signal handler exits
  console.error(`[demo] code-server ${why}; its log: ${server.logFile}`);
  process.exit(1);
} catch (err) {
  console.error(`\n[demo] failed.\n${describeFailure(err)}`);
  await server?.stop();
  process.exit(1);
}

/**
 * Run train.py a few times with tracking on, when the Python client is in this checkout.
 * @param {string} dir
 * @param {string} pythonPath
 */
async function trainRuns(dir, pythonPath) {
  if (!existsSync(join(pythonPath, 'mlwb'))) return log('python/mlwb is not in this checkout yet: no runs recorded (the views start empty)');
  if (!onPath('python3')) return log('python3 not found: no runs recorded');
  const env = { ...process.env, PYTHONPATH: pythonPath, MLWB_DIR: join(dir, '.mlwb') };
  for (const runArgs of DEMO_RUNS) {
    log(`  python3 train.py ${runArgs.join(' ')}`);
    try {
      await run('python3', ['train.py', ...runArgs], { cwd: dir, env, timeoutMs: 120_000, logFile });
    } catch (err) {
      log(`  training run failed, continuing (see ${logFile}): ${/** @type {Error} */ (err).message}`);
    }
  }
  log('  executing explore.ipynb (nbclient), so its cells show outputs and its run');
  const notRun = await executeDemoNotebook(dir, { pythonPath, run, logFile });
  if (notRun) log(`  explore.ipynb left unexecuted, continuing: ${notRun}`);
}
