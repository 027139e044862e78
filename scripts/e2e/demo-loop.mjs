// The second half of the demo's MLOps loop: registry → serve → deploy → monitor.
// train.py (demo-template) exports ONNX and asks for registration with `run.log_model`; this module
// makes sure the demo's Python can export (onnx), has the requests registered, deploys the
// production version the way `mlwb deploy` does, sends it traffic (some of it shifted, so the
// Monitor panel has latency and drift to show) and stops every deployment of the workspace again.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { DEMO_MARKER } from './demo-workspace.mjs';
import { REPO_ROOT } from './package-vsix.mjs';

const execFileAsync = promisify(execFile);

export const DEMO_MODEL = 'clusters';
/** The alias the demo deploys; the other registered version carries `staging`. */
export const DEMO_ALIAS = 'production';
export const CLI = join(REPO_ROOT, 'dist', 'cli.js');

/**
 * `mlwb <args>` in the demo workspace with the CLI built from this checkout, on this (supported) Node.
 * @param {string} dir  the demo workspace
 * @param {string[]} args
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<string>} stdout
 */
export async function mlwb(dir, args, opts = {}) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  try {
    const { stdout } = await execFileAsync(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, MLWB_DIR: join(dir, '.mlwb') },
      timeout: opts.timeoutMs ?? 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const e = /** @type {Error & { stderr?: string }} */ (err);
    throw new Error(`mlwb ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** The onnx version the demo installs when its Python lacks one: the pin of the Python test peers. */
export function onnxPin() {
  const req = readFileSync(join(REPO_ROOT, 'python', 'requirements-test.txt'), 'utf8');
  const pin = req.match(/^onnx==(\S+)/m)?.[1];
  if (!pin) throw new Error('python/requirements-test.txt pins no onnx version');
  return pin;
}

/**
 * Make `import onnx` work for the demo's training runs. Resolves to the PYTHONPATH entries to add
 * (`[]` when python3 has onnx already, the cached `pip install --target` folder when it was installed
 * there), or to a reason string when ONNX export is not possible (the demo then goes on without models).
 * @param {{ cacheDir: string, run: (cmd: string, args: string[], opts: object) => Promise<unknown>, logFile: string, log: (msg: string) => void }} opts
 * @returns {Promise<string[] | string>}
 */
export async function ensureOnnx({ cacheDir, run, logFile, log }) {
  const probe = (/** @type {string[]} */ extra) =>
    run('python3', ['-c', 'import onnx, onnx.helper'], {
      env: { ...process.env, PYTHONPATH: [...extra, process.env.PYTHONPATH].filter(Boolean).join(':') },
      timeoutMs: 60_000,
      logFile,
      label: 'python3 -c "import onnx"',
    }).then(
      () => true,
      () => false,
    );
  if (await probe([])) return [];
  const version = onnxPin();
  // Installed beside the other cached tools, never into the user's Python.
  const target = join(cacheDir, `python-onnx-${version}`);
  if (await probe([target])) return [target];
  log(`python3 has no onnx: installing onnx==${version} from PyPI into ${target} (once)`);
  try {
    await run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--target', target, `onnx==${version}`], {
      timeoutMs: 10 * 60_000,
      logFile,
      label: `pip install onnx==${version}`,
    });
  } catch (err) {
    return `could not install onnx==${version} (${/** @type {Error} */ (err).message})`;
  }
  return (await probe([target])) ? [target] : `onnx==${version} was installed into ${target} but does not import`;
}

/**
 * Register what the training runs logged (every `mlwb models` command registers pending
 * `run.log_model` requests first) and return the demo model's entry of `mlwb models list --json`.
 * @param {string} dir
 * @returns {Promise<{ name: string, latest_version: number, versions: number, aliases: Record<string, number> }>}
 */
export async function registerDemoModels(dir) {
  /** @type {{ name: string, latest_version: number, versions: number, aliases: Record<string, number> }[]} */
  const models = JSON.parse(await mlwb(dir, ['models', 'list', '--json']));
  const model = models.find((m) => m.name === DEMO_MODEL);
  if (!model) throw new Error(`no model ${DEMO_MODEL} was registered (see the training output)`);
  if (model.aliases[DEMO_ALIAS] === undefined) throw new Error(`${DEMO_MODEL} has no @${DEMO_ALIAS} version`);
  return model;
}

/**
 * `mlwb deploy clusters@production --target local -o sampleRate=1`: a detached model server on
 * loopback that logs every request, so monitoring has every input to compare with the training data.
 * @param {string} dir
 * @returns {Promise<{ id: string, model: string, version: number, status: string, url: string }>}
 */
export async function deployDemoModel(dir) {
  const rec = JSON.parse(await mlwb(dir, ['deploy', `${DEMO_MODEL}@${DEMO_ALIAS}`, '--target', 'local', '--option', 'sampleRate=1', '--json']));
  if (rec.status !== 'healthy') throw new Error(`deployment ${rec.id} is ${rec.status}: ${rec.reason}`);
  return rec;
}

/**
 * Stop every deployment of the demo workspace that may still have a server (the demo's own and any
 * the user started from the Deployments view): model servers are detached and outlive the demo otherwise.
 * Only in a folder the demo made (its marker file): `--dir` pointed at a real project is left alone.
 * @param {string} dir
 * @returns {Promise<string[]>} the ids stopped
 */
export async function stopDemoDeployments(dir) {
  if (!existsSync(join(dir, DEMO_MARKER)) || !existsSync(join(dir, '.mlwb', 'deployments')) || !existsSync(CLI)) return [];
  /** @type {{ id: string, status: string, target: string }[]} */
  const list = JSON.parse(await mlwb(dir, ['deployments', '--json'], { timeoutMs: 30_000 }));
  const live = list.filter((d) => d.status !== 'stopped' && d.status !== 'failed');
  await Promise.all(live.map((d) => mlwb(dir, ['undeploy', d.id], { timeoutMs: 30_000 })));
  return live.map((d) => d.id);
}

/**
 * Requests to the deployed model: rows drawn like data/train.csv (two clusters in x1, x2), and every
 * third request shifted by +2 on x2, so live inputs drift from the training data on that feature.
 * A burst first (the Monitor panel opens on numbers), then one request every `intervalMs` until stopped,
 * so the latency and throughput charts keep moving while the demo runs.
 * @param {string} url  the deployment's base URL
 * @param {{ burst?: number, intervalMs?: number, log?: (msg: string) => void }} [opts]
 * @returns {{ sent: () => number, stop: () => Promise<void> }}
 */
export function startDemoTraffic(url, opts = {}) {
  const endpoint = `${url}/v2/models/${DEMO_MODEL}/infer`;
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  let count = 0;
  let failures = 0;
  let stopped = false;
  const wake = new AbortController(); // stop() ends the wait between requests at once
  const send = async () => {
    const shifted = count % 3 === 2;
    const data = [];
    for (let i = 0; i < 4; i++) {
      const [cx, cy] = i % 2 ? [1.2, 0.8] : [-1.0, -0.6];
      data.push(cx + gauss(), cy + gauss() + (shifted ? 3 : 0));
    }
    count++;
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'X', datatype: 'FP32', shape: [4, 2], data }] }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    } catch (err) {
      // A server stopped from the Deployments view is the user's choice: say so once, keep going quietly.
      if (failures++ === 0 && !stopped) opts.log?.(`traffic to ${url} failed (${/** @type {Error} */ (err).message}); retrying quietly`);
    }
  };
  const loop = (async () => {
    for (let i = 0; i < (opts.burst ?? 60) && !stopped; i++) await send();
    while (!stopped) {
      await sleep(opts.intervalMs ?? 2000, undefined, { signal: wake.signal }).catch(() => {});
      if (!stopped) await send();
    }
  })();
  return {
    sent: () => count,
    stop: async () => {
      stopped = true;
      wake.abort();
      await loop;
    },
  };
}
