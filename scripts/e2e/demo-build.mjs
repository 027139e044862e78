// Builds the demo workspace the way `npm run demo` shows it, for the demo itself, the README's
// screenshots and the end-to-end test of the demo: files, tracked training runs (two of them
// register an ONNX model), the executed notebook, then the registered `clusters@production`
// deployed locally. Steps that need something the machine lacks (python3, onnx, nbclient) are
// skipped with a log line saying what is missing; the rest of the demo goes on.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoWorkspace, DEMO_MARKER, DEMO_RUNS, executeDemoNotebook } from './demo-workspace.mjs';
import { DEMO_ALIAS, DEMO_MODEL, deployDemoModel, ensureOnnx, mlwb, registerDemoModels, stopDemoDeployments } from './demo-loop.mjs';
import { onPath, run } from './proc.mjs';

/**
 * @typedef {object} DemoBuild
 * @property {{ id: string, model: string, version: number, status: string, url: string } | undefined} deployment
 *   the deployment of clusters@production, when models could be made
 * @property {string[]} skipped  what was left out and why (already logged)
 */

/**
 * @param {string} dir  the demo folder (recreated when it is one the demo made)
 * @param {object} opts
 * @param {string} opts.pythonPath  the repository's python/ folder (the mlwb client)
 * @param {string} opts.cacheDir    where a missing onnx is installed (once)
 * @param {string} opts.logFile     training, notebook and pip output
 * @param {(msg: string) => void} opts.log
 * @param {(what: string) => void} [opts.progress]  one line per phase
 * @returns {Promise<DemoBuild>}
 */
export async function buildDemo(dir, { pythonPath, cacheDir, logFile, log, progress = log }) {
  /** @type {string[]} */
  const skipped = [];
  const skip = (/** @type {string} */ why) => {
    skipped.push(why);
    log(why);
  };
  // A previous demo that was killed (not Ctrl-C) may have left its model server running.
  if (existsSync(join(dir, DEMO_MARKER))) {
    const stopped = await stopDemoDeployments(dir).catch((err) => (log(`could not stop the old demo's deployments: ${err.message}`), []));
    if (stopped.length) log(`stopped the previous demo's deployments: ${stopped.join(', ')}`);
  }
  progress(`creating the demo workspace in ${dir}`);
  createDemoWorkspace(dir, { pythonPath });

  progress('recording a few training runs');
  if (!existsSync(join(pythonPath, 'mlwb')) || !onPath('python3')) {
    skip(
      onPath('python3')
        ? 'python/mlwb is not in this checkout: no runs recorded (the views start empty)'
        : 'python3 not found: no runs recorded, no models (the views start empty)',
    );
    progress('no models to register');
    return { deployment: undefined, skipped };
  }
  const onnx = await ensureOnnx({ cacheDir, run, logFile, log: (msg) => log(`  ${msg}`) });
  if (typeof onnx === 'string') skip(`no ONNX export, so the Models and Deployments views stay empty: ${onnx}`);
  const env = { ...process.env, PYTHONPATH: [pythonPath, ...(Array.isArray(onnx) ? onnx : [])].join(':'), MLWB_DIR: join(dir, '.mlwb') };
  for (const runArgs of DEMO_RUNS) {
    log(`  python3 train.py ${runArgs.join(' ')}`);
    try {
      await run('python3', ['train.py', ...runArgs], { cwd: dir, env, timeoutMs: 120_000, logFile });
    } catch (err) {
      skip(`training run failed, continuing (see ${logFile}): ${/** @type {Error} */ (err).message}`);
    }
  }
  log('  executing explore.ipynb (nbclient), so its cells show outputs and its run');
  const notRun = await executeDemoNotebook(dir, { pythonPath, run, logFile });
  if (notRun) skip(`explore.ipynb left unexecuted, continuing: ${notRun}`);
  progress(`registering the logged models and deploying ${DEMO_MODEL}@${DEMO_ALIAS} (mlwb deploy --target local)`);
  if (typeof onnx === 'string') return { deployment: undefined, skipped };
  try {
    // Ingest now, as CI would: the runs get their lineage to the data snapshot they read, so the
    // drift reference is there for `mlwb monitor` even before VS Code opens the folder.
    await mlwb(dir, ['ingest']);
    const model = await registerDemoModels(dir);
    log(
      `  ${DEMO_MODEL}: ${model.versions} versions, ${Object.entries(model.aliases)
        .map(([a, v]) => `@${a}→v${v}`)
        .join(', ')}`,
    );
    const deployment = await deployDemoModel(dir);
    log(`  ${deployment.id} serves ${deployment.model}:${deployment.version} at ${deployment.url}`);
    return { deployment, skipped };
  } catch (err) {
    skip(`no deployment, continuing: ${/** @type {Error} */ (err).message}`);
    return { deployment: undefined, skipped };
  }
}
