// The demo workspace for `npm run demo`: data, a pure-Python training script, a notebook, a README,
// mlwb.yaml (a drift alert the demo's shifted traffic fires).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../lib/prng.mjs';

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), 'demo-template');
export const DEMO_MARKER = '.mlwb-demo';

/**
 * train.py arguments of the runs the demo records, so the views have something to show. Two of them
 * register their ONNX model as versions of `clusters` (v1 @production, v2 @staging), so the Models
 * view has versions to compare and an alias to move, and the Deployments view a deployment.
 */
export const DEMO_RUNS = [
  ['--lr', '0.5', '--epochs', '40', '--name', 'baseline', '--register', 'clusters', '--alias', 'production'],
  ['--lr', '0.05', '--epochs', '40', '--name', 'small-lr', '--register', 'clusters', '--alias', 'staging'],
  ['--lr', '1.5', '--epochs', '25', '--l2', '0.01', '--name', 'large-lr-l2'],
];

/**
 * Create (or recreate, when it is one we made) the demo folder.
 * @param {string} dir
 * @param {{ pythonPath: string }} opts  shown in the README's commands
 */
export function createDemoWorkspace(dir, { pythonPath }) {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(join(dir, DEMO_MARKER))) {
      throw new Error(`${dir} exists and was not made by npm run demo (no ${DEMO_MARKER}); choose another with MLWB_DEMO_DIR or --dir`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, DEMO_MARKER), JSON.stringify({ createdBy: 'npm run demo', at: new Date().toISOString() }) + '\n');
  copyFileSync(join(TEMPLATE, 'train.py'), join(dir, 'train.py'));
  copyFileSync(join(TEMPLATE, 'mlwb.yaml'), join(dir, 'mlwb.yaml'));
  writeFileSync(join(dir, 'README.md'), readFileSync(join(TEMPLATE, 'README.md'), 'utf8').replaceAll('{{PYTHONPATH}}', pythonPath));
  const rand = prng(42);
  writeFileSync(join(dir, 'data', 'train.csv'), clustersCsv(400, rand));
  writeFileSync(join(dir, 'data', 'test.csv'), clustersCsv(100, rand));
  writeFileSync(join(dir, 'explore.ipynb'), JSON.stringify(notebook(), null, 1) + '\n');
  mkdirSync(join(dir, '.mlwb'), { recursive: true });
}

/**
 * Two overlapping Gaussian clusters in 2-D, one per label.
 * @param {number} n
 * @param {() => number} rand
 */
function clustersCsv(n, rand) {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const rows = ['x1,x2,label'];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const [cx, cy] = label ? [1.2, 0.8] : [-1.0, -0.6];
    rows.push(`${(cx + gauss()).toFixed(4)},${(cy + gauss()).toFixed(4)},${label}`);
  }
  return rows.join('\n') + '\n';
}

/** A valid nbformat 4.5 notebook that tracks a cell with `%%mlwb_run`. */
function notebook() {
  let n = 0;
  const src = (/** @type {string} */ text) => text.split(/(?<=\n)/);
  const md = (/** @type {string} */ text) => ({ cell_type: 'markdown', id: `cell-${++n}`, metadata: {}, source: src(text) });
  const code = (/** @type {string} */ text) => ({ cell_type: 'code', execution_count: null, id: `cell-${++n}`, metadata: {}, outputs: [], source: src(text) });
  return {
    cells: [
      md(
        '# Explore the demo data\n\nThe kernel needs the `mlwb` client importable (see README.md). `%%mlwb_run` turns a cell into a tracked run: its params, metrics and code show up in the ML Workbench sidebar.',
      ),
      code('%load_ext mlwb'),
      code(
        'from collections import Counter\nfrom train import load, fit\n\nX, y = load("data/train.csv")\nX_val, y_val = load("data/test.csv")\nprint(len(X), "training rows,", len(X_val), "validation rows; labels:", dict(Counter(y)))',
      ),
      code(
        '%%mlwb_run --experiment notebook --name baseline --param lr=0.3 --param epochs=30\nimport mlwb\n\nw, b, final = fit(X, y, X_val, y_val, lr=0.3, epochs=30,\n                  on_epoch=lambda epoch, m: mlwb.log_metrics(m, step=epoch))\nprint("weights", [round(v, 3) for v in w], "bias", round(b, 3))\n%mlwb_log final_val_accuracy={final["val_accuracy"]}',
      ),
      md('Change `lr` or `epochs` above and run the cell again: every execution is a new run you can compare with the others.'),
    ],
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      language_info: { name: 'python' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

// Runs the notebook headless with nbclient and saves it with its outputs, so a code-server
// without the Python and Jupyter extensions still shows what each cell printed, and its
// `%%mlwb_run` cell's run is in the sidebar beside the script runs. MLWB_NOTEBOOK_PATH tells the
// client which notebook it runs in (nbclient does not say; see docs/notebooks.md).
const EXECUTE_NOTEBOOK = `
import sys, nbformat
from nbclient import NotebookClient
path, cwd = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": cwd}}).execute()
nbformat.write(nb, path)
`;

/** The Python modules the notebook step needs; missing ones mean the step is skipped with a note. */
export const NOTEBOOK_PEERS = ['nbclient', 'nbformat', 'ipykernel'];

/**
 * Execute explore.ipynb in place. Resolves to undefined when it ran, else to why not (the caller
 * logs it and the demo goes on: the notebook is then shown without outputs).
 * @param {string} dir  the demo workspace
 * @param {{ pythonPath: string, run: (cmd: string, args: string[], opts: object) => Promise<unknown>, logFile: string }} opts
 * @returns {Promise<string | undefined>}
 */
export async function executeDemoNotebook(dir, { pythonPath, run, logFile }) {
  const notebookPath = join(dir, 'explore.ipynb');
  const env = { ...process.env, PYTHONPATH: pythonPath, MLWB_DIR: join(dir, '.mlwb'), MLWB_NOTEBOOK_PATH: notebookPath };
  try {
    await run('python3', ['-c', `import ${NOTEBOOK_PEERS.join(', ')}`], { cwd: dir, env, timeoutMs: 60_000, logFile });
  } catch {
    return `the Python modules ${NOTEBOOK_PEERS.join(', ')} are not installed (python3 -m pip install ${NOTEBOOK_PEERS.join(' ')})`;
  }
  try {
    await run('python3', ['-c', EXECUTE_NOTEBOOK, notebookPath, dir], { cwd: dir, env, timeoutMs: 180_000, logFile, label: 'nbclient: explore.ipynb' });
    return undefined;
  } catch (err) {
    return `executing it failed: ${/** @type {Error} */ (err).message}`;
  }
}
