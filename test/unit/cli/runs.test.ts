import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../../src/core/store/database';
import { makeTempDir } from '../../helpers/tmp';
import { seedRuns } from '../../helpers/seed';
import { cli } from '../../helpers/cli';

describe('mlwb CLI', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  function seed(): void {
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'), { recursive: true });
    const db = openStore(path.join(tmp.dir, '.mlwb', 'store.db'));
    seedRuns(db, [
      { id: 'r1', experiment: 'exp', name: 'baseline', start: Date.UTC(2026, 0, 1), params: { lr: '0.1' }, metrics: { loss: [1, 0.5, NaN] } },
      { id: 'r2', experiment: 'exp', name: 'tuned', start: Date.UTC(2026, 0, 2), status: 'running', end: null },
    ]);
    db.close();
  }

  it('prints an empty JSON list and creates nothing in a folder without a workspace', async () => {
    const r = await cli(tmp.dir, ['runs', 'list', '--json']);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), []);
    assert.deepEqual(fs.readdirSync(tmp.dir), []);
  });

  it('does not create store.db in an empty .mlwb folder', async () => {
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
    const r = await cli(tmp.dir, ['runs', 'list', '--json']);
    assert.deepEqual(JSON.parse(r.stdout), []);
    assert.deepEqual(fs.readdirSync(path.join(tmp.dir, '.mlwb')), []);
  });

  it('lists runs in the contract JSON shape, from a subfolder', async () => {
    seed();
    fs.mkdirSync(path.join(tmp.dir, 'src'));
    const r = await cli(path.join(tmp.dir, 'src'), ['runs', 'list', '--json']);
    const runs = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      runs.map((x) => x['id']),
      ['r2', 'r1'],
    );
    const r1 = runs[1]!;
    assert.equal(r1['name'], 'baseline');
    assert.equal(r1['experiment'], 'exp');
    assert.equal(r1['status'], 'finished');
    assert.equal(r1['start_time'], '2026-01-01T00:00:00.000Z');
    assert.equal(r1['end_time'], '2026-01-01T00:00:01.000Z');
    assert.deepEqual(r1['params'], { lr: '0.1' });
    assert.deepEqual(r1['tags'], {});
    assert.deepEqual(r1['metrics'], { loss: { last: 'NaN', min: 0.5, max: 1, count: 3, last_step: 2 } });
    assert.equal(runs[0]!['end_time'], null);
  });

  it('shows one run with a metric series', async () => {
    seed();
    const r = await cli(tmp.dir, ['runs', 'show', 'r1', '--json', '--metric', 'loss']);
    assert.equal(r.code, 0, r.stderr);
    const run = JSON.parse(r.stdout) as { points: { step: number; value: unknown; timestamp: string }[] };
    assert.deepEqual(
      run.points.map((p) => [p.step, p.value]),
      [
        [0, 1],
        [1, 0.5],
        [2, 'NaN'],
      ],
    );
    assert.match(run.points[0]!.timestamp, /^\d{4}-\d\d-\d\dT/);
  });

  it('fails clearly for an unknown run or metric', async () => {
    seed();
    const missing = await cli(tmp.dir, ['runs', 'show', 'nope', '--json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /No run matches "nope"/);
    const noMetric = await cli(tmp.dir, ['runs', 'show', 'r1', '--metric', 'acc']);
    assert.match(noMetric.stderr, /has no metric "acc"/);
  });

  it('names the store file when it is corrupt', async () => {
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
    fs.writeFileSync(path.join(tmp.dir, '.mlwb', 'store.db'), 'garbage'.repeat(200));
    const r = await cli(tmp.dir, ['runs', 'list']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /store\.db is not a valid ML Workbench store/);
  });

  it('honours MLWB_DIR', async () => {
    seed();
    const elsewhere = makeTempDir();
    try {
      const r = await cli(elsewhere.dir, ['runs', 'list', '--json'], { MLWB_DIR: path.join(tmp.dir, '.mlwb') });
      assert.equal((JSON.parse(r.stdout) as unknown[]).length, 2);
    } finally {
      elsewhere.cleanup();
    }
  });

  it('says where it looked and how to start when there is no workspace', async () => {
    const none = await cli(tmp.dir, ['runs', 'list']);
    assert.equal(none.code, 0);
    assert.match(none.stdout, /No ML Workbench workspace found: no \.mlwb folder in .* or any folder above it/);
    assert.ok(none.stdout.includes(tmp.dir), none.stdout);
    assert.match(none.stdout, /mlwb snapshot create/);
    const show = await cli(tmp.dir, ['runs', 'show', 'r1']);
    assert.equal(show.code, 2);
    assert.match(show.stderr, /No ML Workbench workspace found/);
    const env = await cli(tmp.dir, ['runs', 'list'], { MLWB_DIR: path.join(tmp.dir, 'nowhere') });
    assert.match(env.stdout, /MLWB_DIR points at .*nowhere, which does not exist/);
  });

  it('finds a run by a unique id prefix or name, and lists the candidates when ambiguous', async () => {
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
    const db = openStore(path.join(tmp.dir, '.mlwb', 'store.db'));
    seedRuns(db, [
      { id: 'abc111', experiment: 'exp', name: 'baseline', start: Date.UTC(2026, 0, 1) },
      { id: 'abc222', experiment: 'exp', name: 'tuned', start: Date.UTC(2026, 0, 2) },
      { id: 'xyz333', experiment: 'exp', name: 'tuned', start: Date.UTC(2026, 0, 3) },
    ]);
    db.close();
    const byPrefix = await cli(tmp.dir, ['runs', 'show', 'abc1', '--json']);
    assert.equal(byPrefix.code, 0, byPrefix.stderr);
    assert.equal((JSON.parse(byPrefix.stdout) as { id: string }).id, 'abc111');
    const byName = await cli(tmp.dir, ['runs', 'show', 'baseline', '--json']);
    assert.equal((JSON.parse(byName.stdout) as { id: string }).id, 'abc111');
    const prefixTwice = await cli(tmp.dir, ['runs', 'show', 'abc']);
    assert.equal(prefixTwice.code, 2);
    assert.match(prefixTwice.stderr, /"abc" matches 2 runs; give the id/);
    assert.match(prefixTwice.stderr, /abc111 {2}baseline/);
    assert.match(prefixTwice.stderr, /abc222 {2}tuned/);
    const nameTwice = await cli(tmp.dir, ['runs', 'show', 'tuned']);
    assert.match(nameTwice.stderr, /"tuned" matches 2 runs/);
    const none = await cli(tmp.dir, ['runs', 'show', 'zzz']);
    assert.match(none.stderr, /No run matches "zzz"/);
  });

  it('rounds values in plain-text show and counts points in the singular', async () => {
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
    const db = openStore(path.join(tmp.dir, '.mlwb', 'store.db'));
    seedRuns(db, [{ id: 'r1', experiment: 'exp', name: 'one', start: Date.UTC(2026, 0, 1), metrics: { val_loss: [0.18989688861769952] } }]);
    db.close();
    const r = await cli(tmp.dir, ['runs', 'show', 'r1']);
    assert.match(r.stdout, /metric val_loss: last 0\.1899, min 0\.1899, max 0\.1899, 1 point$/m);
    const json = await cli(tmp.dir, ['runs', 'show', 'r1', '--json']);
    assert.equal((JSON.parse(json.stdout) as { metrics: { val_loss: { last: number } } }).metrics.val_loss.last, 0.18989688861769952);
  });

  it('prints a readable table and an empty-state hint', async () => {
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
    const empty = await cli(tmp.dir, ['runs', 'list']);
    assert.match(empty.stdout, /No runs yet/);
    seed();
    const table = await cli(tmp.dir, ['runs', 'list']);
    assert.match(table.stdout, /^ID\s+EXPERIMENT\s+NAME\s+STATUS/);
    assert.match(table.stdout, /r1\s+exp\s+baseline\s+finished/);
  });
});
