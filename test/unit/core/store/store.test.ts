import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../../../src/core/store/database';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../../src/core/store/migrations';
import { MlwbError } from '../../../../src/core/errors';
import { getRun, listExperiments, listRuns } from '../../../../src/core/runs/queries';
import { makeTempDir } from '../../../helpers/tmp';
import { seedRuns } from '../../../helpers/seed';

describe('store', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let file: string;
  beforeEach(() => {
    tmp = makeTempDir();
    file = path.join(tmp.dir, 'store.db');
  });
  afterEach(() => tmp.cleanup());

  describe('migrations', () => {
    it('applies every migration to a new store and records the version', () => {
      const db = openStore(file);
      assert.equal(db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
      const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
      for (const t of ['experiments', 'runs', 'params', 'tags', 'metric_series', 'metric_points', 'metric_summary', 'artifacts', 'ingest_offsets']) {
        assert.ok(tables.includes(t), `missing table ${t}`);
      }
      db.close();
    });

    it('applies only the pending migrations when reopened with newer ones', () => {
      openStore(file, { migrations: MIGRATIONS }).close();
      const extra = [...MIGRATIONS, { version: LATEST_SCHEMA_VERSION + 1, description: 'test', sql: 'CREATE TABLE extra (x)' }];
      const db = openStore(file, { migrations: extra });
      assert.equal(db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION + 1);
      db.prepare('INSERT INTO extra VALUES (1)').run();
      db.close();
    });

    it('leaves the store at the old version when a migration fails', () => {
      openStore(file).close();
      const broken = [...MIGRATIONS, { version: LATEST_SCHEMA_VERSION + 1, description: 'bad', sql: 'CREATE TABLE ok1 (x); SELEC nonsense' }];
      assert.throws(() => openStore(file, { migrations: broken }));
      const db = openStore(file);
      assert.equal(db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
      assert.equal((db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'ok1'`).get() as { n: number }).n, 0);
      db.close();
    });

    it('refuses a store written by a newer schema and does not touch it', () => {
      const db = openStore(file);
      db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
      db.close();
      const before = fs.readFileSync(file);
      assert.throws(
        () => openStore(file),
        (e: unknown) => e instanceof MlwbError && e.code === 'STORE_NEWER_SCHEMA' && e.message.includes(file) && /newer ML Workbench/.test(e.message),
      );
      assert.deepEqual(fs.readFileSync(file), before);
    });
  });

  describe('bad files', () => {
    it('names a non-SQLite file and says how to rebuild it', () => {
      fs.writeFileSync(file, 'this is not a database, just text that is long enough to have a header '.repeat(20));
      assert.throws(
        () => openStore(file),
        (e: unknown) => e instanceof MlwbError && e.code === 'STORE_CORRUPT' && e.message.includes(file) && e.message.includes('mlwb ingest'),
      );
    });

    it('reports a store in a folder that cannot be written', () => {
      // /sys refuses writes even for root, so this holds on CI machines that run tests as root.
      assert.throws(
        () => openStore('/sys/store.db'),
        (e: unknown) => e instanceof MlwbError && e.code === 'STORE_READ_ONLY' && e.message.includes('/sys/store.db'),
      );
    });
  });

  describe('constraints', () => {
    it('rejects an unknown run status', () => {
      const db = openStore(file);
      seedRuns(db, [{ id: 'a' }]);
      assert.throws(() => db.prepare(`UPDATE runs SET status = 'paused' WHERE id = 'a'`).run(), /CHECK constraint/);
      db.close();
    });

    it('rejects a run of an experiment that does not exist', () => {
      const db = openStore(file);
      assert.throws(
        () => db.prepare(`INSERT INTO runs (id, experiment_id, name, status, start_time) VALUES ('x', 999, 'x', 'running', 0)`).run(),
        /FOREIGN KEY/,
      );
      db.close();
    });

    it('deletes params, tags and metric rows with their run', () => {
      const db = openStore(file);
      seedRuns(db, [{ id: 'a', params: { lr: '0.1' }, tags: { t: 'x' }, metrics: { loss: [3, 2, 1] } }]);
      db.prepare(`DELETE FROM runs WHERE id = 'a'`).run();
      for (const t of ['params', 'tags', 'metric_series', 'metric_points', 'metric_summary']) {
        assert.equal((db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n, 0, t);
      }
      db.close();
    });

    it('rejects artifact paths that escape the run folder', () => {
      const db = openStore(file);
      seedRuns(db, [{ id: 'a' }]);
      for (const bad of ['/etc/passwd', '../x']) {
        assert.throws(() => db.prepare('INSERT INTO artifacts VALUES (?, ?, 1)').run('a', bad), /CHECK constraint/, bad);
      }
      db.close();
    });
  });

  describe('WAL with two connections', () => {
    it('lets a reader see a consistent snapshot while a writer commits', () => {
      const writer = openStore(file);
      const reader = openStore(file);
      assert.equal(writer.pragma('journal_mode', { simple: true }), 'wal');
      seedRuns(writer, [{ id: 'a' }]);
      const count = reader.prepare('SELECT count(*) AS n FROM runs');
      reader.exec('BEGIN');
      assert.equal((count.get() as { n: number }).n, 1);
      seedRuns(writer, [{ id: 'b' }]); // the writer is not blocked by the open read
      assert.equal((count.get() as { n: number }).n, 1, 'the reader keeps its snapshot');
      reader.exec('COMMIT');
      assert.equal((count.get() as { n: number }).n, 2);
      writer.close();
      reader.close();
    });

    it('makes a second writer wait for the busy timeout, then fail clearly', () => {
      const a = openStore(file);
      const b = openStore(file, { busyTimeoutMs: 50 });
      a.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      assert.throws(() => b.exec('BEGIN IMMEDIATE'), /database is locked/);
      assert.ok(Date.now() - started >= 40, 'waited for the busy timeout');
      a.exec('COMMIT');
      b.exec('BEGIN IMMEDIATE; COMMIT');
      a.close();
      b.close();
    });
  });

  describe('queries', () => {
    it('lists runs newest first with params, tags and metric summaries', () => {
      const db = openStore(file);
      seedRuns(db, [
        { id: 'old', experiment: 'e1', start: 1000, params: { lr: '0.1' }, metrics: { loss: [3, 1, 2] } },
        { id: 'new', experiment: 'e1', start: 2000, tags: { kind: 'x' }, metrics: { loss: [NaN, Infinity] } },
        { id: 'other', experiment: 'e2', start: 1500 },
      ]);
      const runs = listRuns(db, { experiment: 'e1' });
      assert.deepEqual(
        runs.map((r) => r.id),
        ['new', 'old'],
      );
      assert.deepEqual(runs[1]!.params, { lr: '0.1' });
      assert.deepEqual(runs[1]!.metrics['loss'], { last: 2, min: 1, max: 3, count: 3, last_step: 2 });
      assert.deepEqual(runs[0]!.tags, { kind: 'x' });
      assert.equal(runs[0]!.metrics['loss']!.last, 'Infinity');
      assert.equal(getRun(db, 'old').experiment, 'e1');
      assert.deepEqual(
        listExperiments(db).map((e) => [e.name, e.run_count]),
        [
          ['e1', 2],
          ['e2', 1],
        ],
      );
      db.close();
    });

    it('hides deleted runs unless asked', () => {
      const db = openStore(file);
      seedRuns(db, [{ id: 'a' }, { id: 'b' }]);
      db.prepare(`UPDATE runs SET lifecycle = 'deleted' WHERE id = 'a'`).run();
      assert.deepEqual(
        listRuns(db).map((r) => r.id),
        ['b'],
      );
      assert.equal(listRuns(db, { includeDeleted: true }).length, 2);
      db.close();
    });
  });
});
