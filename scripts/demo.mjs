// npm run demo [-- --port 8080] [--dir <folder>] [--vsix <prebuilt.vsix>]
// Builds the extension, creates a demo ML project (default ${MLWB_DEMO_DIR:-~/ml-workbench-demo}) with a few
// real tracked runs, two registered versions of an ONNX model, a local deployment of the production
// one under a trickle of traffic, and serves it in code-server on 127.0.0.1 until Ctrl-C, which
// stops code-server and every model server of the demo workspace.
// The console gets one progress line per step; the details (apt, npm, packaging, training output)
// go to log files whose paths are printed, and a failure names the step, its log and what to do.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { startCodeServer } from './e2e/codeserver.mjs';
import { buildDemo } from './e2e/demo-build.mjs';
import { CLI, startDemoTraffic, stopDemoDeployments } from './e2e/demo-loop.mjs';
import { packageVsix, REPO_ROOT } from './e2e/package-vsix.mjs';
import { describeFailure, exitOnSignals, run } from './e2e/proc.mjs';
import { setup } from './e2e/setup.mjs';
import { runOnSupportedNode, toolCacheDir } from './lib/node-runtime.mjs';

// Node < 22 cannot load the store's native module: run this script on a supported Node instead.
await runOnSupportedNode(import.meta.url);

const args = process.argv.slice(2);
const opt = (/** @type {string} */ name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const log = (/** @type {string} */ msg) => console.log(`[demo] ${msg}`);
const t0 = Date.now();
const STEPS = 6;
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
/** @type {ReturnType<typeof startDemoTraffic> | undefined} */
let traffic;
/** The demo folder once it holds a workspace (its model servers must be stopped on the way out). @type {string | undefined} */
let workspace;
let stopping = false;
/** Stop the traffic, code-server and every model server of the workspace (they are detached, so nothing else would). */
const stopAll = async () => {
  await traffic?.stop();
  await Promise.all([
    server?.stop(),
    workspace &&
      stopDemoDeployments(workspace).then(
        (ids) => ids.length && log(`stopped ${ids.join(', ')}`),
        (err) => log(`could not stop the model servers: ${err.message} (\`mlwb deployments\` in ${workspace} lists them)`),
      ),
  ]);
};
exitOnSignals(async () => {
  stopping = true;
  log('stopping…');
  await stopAll();
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
  // The models and the deployment are made with the mlwb CLI of this checkout (packaging built it).
  if (!existsSync(CLI))
    await run(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], {
      cwd: REPO_ROOT,
      timeoutMs: 5 * 60_000,
      logFile,
      label: 'build (scripts/build.mjs)',
    });
  workspace = dir;
  const demo = await buildDemo(dir, { pythonPath, cacheDir: toolCacheDir(), logFile, log, progress });
  if (demo.deployment) {
    traffic = startDemoTraffic(demo.deployment.url, { log: (msg) => log(`  ${msg}`) });
    log(`  sending ${demo.deployment.model}:${demo.deployment.version} a request every 2 s, every third one shifted on x2 (drift)`);
  }

  progress('starting code-server');
  server = await startCodeServer({ codeServerBin: paths.codeServerBin, vsix, folder: dir, port: requestedPort, log: (msg) => log(`  ${msg}`) });
  if (server.port !== requestedPort) log(`port ${requestedPort} is in use; using ${server.port}`);
  const line = '='.repeat(72);
  const loop = demo.deployment
    ? `  ML Workbench sidebar: Experiments → Models (clusters, @production, @staging) → Deployments\n  (${demo.deployment.id}, serving ${demo.deployment.url}); right-click it → Open Monitor.\n`
    : `  Models and Deployments are empty: ${demo.skipped.join('; ')}\n`;
  console.log(`\n${line}\n  ML Workbench demo is running:\n\n    ${server.url}\n\n  workspace: ${dir}\n${loop}  Press Ctrl-C to stop.\n${line}\n`);
  const why = await server.exited;
  if (stopping) await new Promise(() => {}); // the signal handler exits
  console.error(`[demo] code-server ${why}; its log: ${server.logFile}`);
  await stopAll();
  process.exit(1);
} catch (err) {
  console.error(`\n[demo] failed.\n${describeFailure(err)}`);
  await stopAll();
  process.exit(1);
}
