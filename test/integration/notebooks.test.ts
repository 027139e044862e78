import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { watch } from 'chokidar';
import { runForCell } from '../../src/core/code/cellMatch';
import { notebookCodeCells } from '../../src/core/code/entryPoints';
import { WorkspaceWatcher } from '../../src/backend/workspaceWatcher';
import { useBackendWorkspace } from '../helpers/backendWorkspace';
import { cli } from '../helpers/cli';
import { REPO_ROOT } from '../helpers/dist';

/** Writes and executes a notebook headless (python/tests/notebook_support.py); returns a skip reason or undefined. */
function executeNotebook(dir: string, file: string, cells: string[], raises: number[] = []): string | undefined {
  const spec = path.join(dir, `${file}.spec.json`);
  const env = { MLWB_DIR: path.join(dir, '.mlwb'), MLWB_CAPTURE_ENV: '0', JPY_SESSION_NAME: path.join(dir, file) };
  fs.writeFileSync(spec, JSON.stringify({ path: path.join(dir, file), cells, raises, env }));
  const r = spawnSync('python3', ['-m', 'tests.notebook_support', spec], {
    cwd: path.join(REPO_ROOT, 'python'),
    encoding: 'utf8',
    timeout: 120_000,
  });
  fs.rmSync(spec);
  if (r.status !== 0) throw new Error(`notebook run failed (${r.status ?? r.signal}): ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ok: boolean; skip?: string };
  return out.ok ? undefined : out.skip;
}

const cellsFor = (lr: string, name: string) => [
  '%load_ext mlwb',
  `%%mlwb_run --experiment nb --name ${name} --param lr=${lr}\nimport mlwb\nmlwb.log_metric('loss', ${lr} * 2)`,
  `%%mlwb_run --experiment nb --name ${name}-broken\nraise RuntimeError('boom')`,
  `%mlwb_start --experiment nb --name ${name}-span`,
  '%mlwb_log acc=0.75',
  '%mlwb_end',
];

describe('notebooks: magics in a real kernel, stored code, cell runs, Compare Code', function () {
  this.timeout(180_000);
  const ws = useBackendWorkspace({ prefix: 'mlwb-nb-' });

  it('tracks executed notebooks, keeps their code, and matches cells to runs', async function () {
    const nbPath = path.join(ws.dir, 'train.ipynb');
    const skip = executeNotebook(ws.dir, 'train.ipynb', cellsFor('0.1', 'baseline'), [2]);
    if (skip) return this.skip(); // the reason is printed by python/tests/notebook_support.py
    assert.equal(executeNotebook(ws.dir, 'train.ipynb', cellsFor('0.2', 'tuned'), [2]), undefined);

    assert.equal((await cli(ws.dir, ['ingest'])).code, 0);
    const backend = await ws.start({ trusted: true });
    const runs = await backend.request('runs/list', {});
    const byName = new Map(runs.map((r) => [r.name, r]));
    assert.deepEqual([...byName.keys()].sort(), ['baseline', 'baseline-broken', 'baseline-span', 'tuned', 'tuned-broken', 'tuned-span']);
    assert.equal(byName.get('baseline')!.status, 'finished');
    assert.equal(byName.get('tuned-broken')!.status, 'failed');
    assert.equal(byName.get('tuned-broken')!.error, 'RuntimeError: boom');
    assert.equal(byName.get('tuned-span')!.metrics['acc']!.last, 0.75);
    assert.deepEqual(byName.get('baseline')!.source, { path: nbPath, kind: 'notebook' });

    // The stored notebook is the .ipynb as it was on disk when the run started: written, not yet executed.
    const raw = await backend.request('code/get', { id: byName.get('tuned')!.id, view: 'raw' });
    const stored = JSON.parse(raw.text) as { cells: { source: string[]; outputs: unknown[] }[] };
    assert.match(stored.cells[1]!.source.join(''), /--name tuned --param lr=0\.2/);
    assert.deepEqual(
      stored.cells.map((c) => c.outputs.length),
      [0, 0, 0, 0, 0, 0],
    );
    const objectName = crypto.createHash('sha256').update(raw.text).digest('hex');
    assert.ok(fs.existsSync(path.join(ws.dir, '.mlwb', 'objects', objectName.slice(0, 2), objectName.slice(2))));

    const source = await backend.request('code/get', { id: byName.get('tuned')!.id });
    assert.equal(source.fileName, 'train.ipynb.py');
    assert.ok(source.text.startsWith('# %% executed (execution 2, cell 2)\n%%mlwb_run --experiment nb --name tuned'), source.text);
    assert.match(source.text, /# %% cell 2\n%%mlwb_run --experiment nb --name tuned --param lr=0\.2/);

    // Compare Code: the two runs' versions differ exactly in the edited cells.
    const diff = await backend.request('code/diff', { a: byName.get('baseline')!.id, b: byName.get('tuned')!.id });
    assert.match(diff.unified, /^--- baseline\/train\.ipynb\.py\n\+\+\+ tuned\/train\.ipynb\.py\n/);
    assert.match(diff.unified, /^-%%mlwb_run --experiment nb --name baseline --param lr=0\.1$/m);
    assert.match(diff.unified, /^\+%%mlwb_run --experiment nb --name tuned --param lr=0\.2$/m);
    const same = await backend.request('code/diff', { a: byName.get('tuned')!.id, b: byName.get('tuned-broken')!.id, view: 'raw' });
    assert.equal(same.unified, '');

    // What the cell status bar does with the executed notebook open: each cell finds its run.
    const cellRuns = await backend.request('notebooks/cellRuns', { path: nbPath });
    const saved = notebookCodeCells(fs.readFileSync(nbPath, 'utf8'))!;
    const matched = saved.map((text, i) => runForCell(cellRuns, { id: `vscode-notebook-cell:${nbPath}#${i}`, text })?.name ?? null);
    assert.deepEqual(matched, [null, 'tuned', 'tuned-broken', 'tuned-span', 'tuned-span', 'tuned-span']);
    assert.deepEqual(cellRuns.find((r) => r.name === 'tuned')!.keyMetric, { key: 'loss', value: '0.4' });
    assert.deepEqual(await backend.request('notebooks/cellRuns', { path: path.join(ws.dir, 'other.ipynb') }), []);
  });
});

describe('entry points: the workspace watcher', function () {
  this.timeout(30_000);
  let watcher: WorkspaceWatcher | undefined;
  // Registered before the workspace's hooks so that it runs first: the watcher goes before the folder.
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
  });
  const ws = useBackendWorkspace({ prefix: 'mlwb-ep-' });
  beforeEach(() => {
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(ws.dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(ws.dir, rel), text);
    };
    write('train.py', 'import mlwb\n');
    write('src/util.py', 'import os\n');
    write('nb/explore.ipynb', JSON.stringify({ cells: [{ cell_type: 'code', source: ['%load_ext mlwb'] }] }));
    write('node_modules/pkg/train.py', 'import mlwb\n');
    write('tools/myenv/pyvenv.cfg', 'home = /usr/bin\n');
    write('tools/myenv/lib/train.py', 'import mlflow\n');
    write('outputs/copy.py', 'import mlflow\n');
  });

  it('lists entry points through the backend, honours excludes, and follows changes', async () => {
    const backend = await ws.start({ trusted: true });
    const list = async (excludes?: string[]) => (await backend.request('entryPoints/list', { excludes })).map((e) => `${e.path}:${e.uses.join('+')}`);
    assert.deepEqual(await list(['outputs']), ['nb/explore.ipynb:magics', 'train.py:mlwb']);
    assert.deepEqual(await list([]), ['nb/explore.ipynb:magics', 'outputs/copy.py:mlflow', 'train.py:mlwb']);

    backend.notifications.length = 0;
    fs.writeFileSync(path.join(ws.dir, 'src', 'util.py'), 'import mlflow\n');
    await backend.waitForNotification('entryPoints/changed', () => true, 20_000);
    assert.deepEqual(await list(), ['nb/explore.ipynb:magics', 'outputs/copy.py:mlflow', 'src/util.py:mlflow', 'train.py:mlwb']);
    fs.rmSync(path.join(ws.dir, 'nb'), { recursive: true });
    const deadline = Date.now() + 10_000;
    while ((await list()).includes('nb/explore.ipynb:magics') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await list(), ['outputs/copy.py:mlflow', 'src/util.py:mlflow', 'train.py:mlwb']);
  });

  it('falls back to periodic scans with one clear warning when out of inotify watches', async () => {
    const warnings: string[] = [];
    let changes = 0;
    watcher = new WorkspaceWatcher(
      ws.dir,
      { changed: () => changes++, warn: (m) => warnings.push(m) },
      {
        scanIntervalMs: 200,
        debounceMs: 20,
        // A watcher that fails the way fs.watch does at the limit.
        watchFactory: ((p: string, o: Parameters<typeof watch>[1]) => {
          const w = watch(p, o);
          setTimeout(() => {
            for (let i = 0; i < 3; i++) w.emit('error', Object.assign(new Error('watch limit'), { code: 'ENOSPC' }));
          }, 0);
          return w;
        }) as typeof watch,
      },
    );
    watcher.start();
    await watcher.ready();
    assert.equal(watcher.isDegraded, true);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /ENOSPC.*scan every 0 s.*fs\.inotify\.max_user_watches/s);
    assert.deepEqual(
      watcher.list().map((e) => e.path),
      ['nb/explore.ipynb', 'outputs/copy.py', 'train.py'],
    );
    fs.writeFileSync(path.join(ws.dir, 'late.py'), 'from mlwb import start_run\n');
    const deadline = Date.now() + 5_000;
    while ((!watcher.list().some((e) => e.path === 'late.py') || changes === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(watcher.list().some((e) => e.path === 'late.py'));
    assert.ok(changes > 0);
  });
});
