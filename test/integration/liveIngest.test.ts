import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestBackend } from '../helpers/backendClient';
import { useBackendWorkspace } from '../helpers/backendWorkspace';
import { REPO_ROOT } from '../helpers/dist';

/** Runs a Python snippet with the bundled client, the way a VS Code terminal would. */
function python(cwd: string, code: string) {
  return spawn('python3', ['-c', code], {
    cwd,
    env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'python'), MLWB_DIR: path.join(cwd, '.mlwb'), MLWB_CAPTURE_ENV: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('live ingest in the backend, with real Python runs', function () {
  this.timeout(60_000);
  const ws = useBackendWorkspace();
  let backend: TestBackend;
  beforeEach(async () => (backend = await ws.start({ trusted: true })));

  it('shows a run started after the backend, while it runs, and when it finishes', async () => {
    // The script keeps its run open until the test has seen it running (it creates `go`).
    const go = path.join(ws.dir, 'go');
    const child = python(
      ws.dir,
      `import mlwb, os, time
with mlwb.start_run(experiment="live", name="r1", params={"lr": 0.1}) as run:
    for i in range(5):
        run.log_metric("loss", 1.0 / (i + 1), step=i)
    print("ready", flush=True)
    deadline = time.time() + 30
    while not os.path.exists(${JSON.stringify(go)}) and time.time() < deadline:
        time.sleep(0.05)
    run.log_metric("loss", 0.01, step=5)
`,
    );
    const running = await waitFor('the running run', async () => {
      const runs = await backend.request('runs/list', {});
      return runs.find((r) => r.status === 'running' && r.metrics['loss']?.count === 5);
    });
    assert.equal(running.name, 'r1');
    assert.deepEqual(running.params, { lr: '0.1' });
    const note = await backend.waitForNotification('store/changed', (p) => p.runIds.includes(running.id));
    assert.ok(note.runIds.length >= 1);
    fs.writeFileSync(go, '');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    const done = await waitFor('the finished run', async () => {
      const run = await backend.request('runs/get', { id: running.id });
      return run.status === 'finished' ? run : undefined;
    });
    assert.equal(done.metrics['loss']!.last, 0.01);
    assert.equal(done.metrics['loss']!.count, 6);
    const details = await backend.request('runs/details', { id: running.id });
    assert.match(details.outputTail, /ready/);
  });

  it('keeps everything a SIGKILLed run flushed and marks it killed', async () => {
    const child = python(
      ws.dir,
      `import mlwb, time
run = mlwb.start_run(experiment="crash", name="doomed")
for i in range(1000):
    run.log_metric("x", i, step=i)
print("logged", flush=True)
time.sleep(60)
`,
    );
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('logged') && resolve()));
    // Kill only once the last point is on disk: the promise is that what was flushed survives (how
    // soon the client flushes is measured by the flushWindow benchmark, not timed here).
    await waitFor(
      'the last point flushed to the log',
      async () => {
        const runsDir = path.join(ws.dir, '.mlwb', 'runs');
        const logs = fs.existsSync(runsDir) ? fs.readdirSync(runsDir).map((id) => path.join(runsDir, id, 'events.jsonl')) : [];
        return logs.some((f) => fs.existsSync(f) && fs.readFileSync(f, 'utf8').includes('"step":999')) || undefined;
      },
      10_000,
    );
    child.kill('SIGKILL');
    const killed = await waitFor(
      'the killed run',
      async () => {
        const runs = await backend.request('runs/list', { experiment: 'crash' });
        return runs.find((r) => r.status === 'killed');
      },
      20_000,
    );
    assert.equal(killed.metrics['x']!.count, 1000);
    assert.equal(killed.metrics['x']!.last, 999);
    assert.match(killed.error ?? '', /exited without ending/);
  });

  it('records renames, tags and deletion in the event log, so a rebuild keeps them', async () => {
    const child = python(ws.dir, `import mlwb\nwith mlwb.start_run(experiment="e", name="before"): pass\n`);
    await new Promise((r) => child.once('exit', r));
    const run = await waitFor('the run', async () => (await backend.request('runs/list', {}))[0]);
    let edited = await backend.request('runs/edit', { id: run.id, edit: { field: 'name', value: 'after' } });
    assert.equal(edited.name, 'after');
    edited = await backend.request('runs/edit', { id: run.id, edit: { field: 'tag', key: 'note', value: 'good' } });
    assert.deepEqual(edited.tags, { note: 'good' });
    edited = await backend.request('runs/edit', { id: run.id, edit: { field: 'lifecycle', value: 'deleted' } });
    assert.equal(edited.lifecycle, 'deleted');
    assert.deepEqual(await backend.request('runs/list', {}), []);
    const log = fs.readFileSync(path.join(ws.dir, '.mlwb', 'runs', run.id, 'events.jsonl'), 'utf8');
    assert.match(log, /"type":"edit","ts":\d+,"field":"name","value":"after"/);
  });
});
