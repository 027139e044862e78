import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../../src/core/store/database';
import { ingestWorkspace, rebuildStore } from '../../../src/core/ingest/workspaceIngest';
import { listRuns } from '../../../src/core/runs/queries';
import { ensureWorkspace, type WorkspacePaths } from '../../../src/core/workspace';
import { EventLogWriter } from '../../helpers/eventLog';
import { makeTempDir } from '../../helpers/tmp';
import { cli } from '../../helpers/cli';

/**
 * Issue 13, item 2: one bad run, line or file is reported (file and line) and skipped; every other
 * run keeps working in `ingest`, `runs list` and `ingest --rebuild`.
 */
describe('fault: one bad entry must not stop ingest or listing', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let paths: WorkspacePaths;
  const GOOD = '018f00000000aaaaaaaa';
  const BAD = '018f00000001bbbbbbbb';
  beforeEach(() => {
    tmp = makeTempDir();
    paths = ensureWorkspace(path.join(tmp.dir, '.mlwb'));
  });
  afterEach(() => tmp.cleanup());

  const goodRun = () => new EventLogWriter(paths.runsDir, GOOD).start().write({ type: 'metric', ts: 1_700_000_000_001, key: 'loss', value: 1, step: 0 });

  /** Ingest, list, rebuild and the CLI must all still show the good run. */
  async function assertWorkspaceWorks(expectIds: string[]): Promise<void> {
    const db = openStore(paths.storeFile);
    try {
      ingestWorkspace(db, paths);
      assert.deepEqual(
        listRuns(db)
          .map((r) => r.id)
          .sort(),
        expectIds,
      );
    } finally {
      db.close();
    }
    const list = await cli(tmp.dir, ['runs', 'list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual((JSON.parse(list.stdout) as { id: string }[]).map((r) => r.id).sort(), expectIds);
    const rebuilt = await cli(tmp.dir, ['ingest', '--rebuild', '--json']);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const after = await cli(tmp.dir, ['runs', 'list', '--json']);
    assert.deepEqual((JSON.parse(after.stdout) as { id: string }[]).map((r) => r.id).sort(), expectIds);
  }

  for (const name of ['..notes.txt', '..data.csv', 'a/..b']) {
    it(`keeps an artifact named ${JSON.stringify(name)} (a legal name, not traversal)`, async () => {
      goodRun();
      new EventLogWriter(paths.runsDir, BAD).start().write({ type: 'artifact', ts: 1_700_000_000_002, path: name, size: 3 });
      await assertWorkspaceWorks([GOOD, BAD]);
      const db = openStore(paths.storeFile);
      assert.deepEqual(db.prepare('SELECT path FROM artifacts WHERE run_id = ?').all(BAD), [{ path: name }]);
      db.close();
    });
  }

  it('reports and skips a run folder whose name is longer than a run id may be', async () => {
    goodRun();
    const long = 'x'.repeat(65);
    new EventLogWriter(paths.runsDir, long).start();
    const db = openStore(paths.storeFile);
    const r = ingestWorkspace(db, paths);
    db.close();
    assert.ok(
      r.issues.some((i) => i.file.includes(long) && /run id/.test(i.message)),
      JSON.stringify(r.issues),
    );
    await assertWorkspaceWorks([GOOD]);
  });

  it('reports and skips an events.jsonl that is a directory', async () => {
    goodRun();
    fs.mkdirSync(path.join(paths.runsDir, BAD, 'events.jsonl'), { recursive: true });
    const db = openStore(paths.storeFile);
    const r = ingestWorkspace(db, paths);
    db.close();
    assert.ok(
      r.issues.some((i) => i.file.endsWith(path.join(BAD, 'events.jsonl')) && /not a regular file/.test(i.message)),
      JSON.stringify(r.issues),
    );
    await assertWorkspaceWorks([GOOD]);
  });

  it('reports and skips an events.jsonl that is a symlink loop (stat fails with ELOOP)', async () => {
    goodRun();
    fs.mkdirSync(path.join(paths.runsDir, BAD));
    fs.symlinkSync('events.jsonl', path.join(paths.runsDir, BAD, 'events.jsonl'));
    const db = openStore(paths.storeFile);
    const r = ingestWorkspace(db, paths);
    db.close();
    assert.ok(
      r.issues.some((i) => i.file.endsWith(path.join(BAD, 'events.jsonl')) && /cannot open the event log/.test(i.message)),
      JSON.stringify(r.issues),
    );
    await assertWorkspaceWorks([GOOD]);
  });

  it('reports a ts of 1e20 by file and line and keeps the run listable', async () => {
    goodRun();
    new EventLogWriter(paths.runsDir, BAD).start().raw('{"type":"metric","ts":1e20,"key":"loss","value":1,"step":0}\n');
    const db = openStore(paths.storeFile);
    const r = ingestWorkspace(db, paths);
    db.close();
    assert.deepEqual(
      r.issues.map((i) => [path.basename(path.dirname(i.file)), i.line]),
      [[BAD, 2]],
    );
    await assertWorkspaceWorks([GOOD, BAD]);
  });

  it('does not hang on an events.jsonl that is a FIFO', async function () {
    this.timeout(20_000);
    goodRun();
    fs.mkdirSync(path.join(paths.runsDir, BAD));
    execFileSync('mkfifo', [path.join(paths.runsDir, BAD, 'events.jsonl')]);
    // In a child process: a hang there fails the test instead of freezing mocha.
    const script = `
      const { openStore } = require(${JSON.stringify(require.resolve('../../../src/core/store/database'))});
      const { ingestWorkspace } = require(${JSON.stringify(require.resolve('../../../src/core/ingest/workspaceIngest'))});
      const { workspacePaths } = require(${JSON.stringify(require.resolve('../../../src/core/workspace'))});
      const p = workspacePaths(${JSON.stringify(paths.root)});
      const db = openStore(p.storeFile);
      const r = ingestWorkspace(db, p);
      process.stdout.write(JSON.stringify(r.issues));`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    assert.match(out, /not a regular file/);
    await assertWorkspaceWorks([GOOD]);
  });

  it('a rebuild that fails leaves the old store in place', () => {
    goodRun();
    let db = openStore(paths.storeFile);
    ingestWorkspace(db, paths);
    db.close();
    // Anything that makes the new store impossible to write: here the rebuild's scratch folder.
    fs.writeFileSync(path.join(paths.root, 'rebuild'), 'in the way');
    assert.throws(() => rebuildStore(paths));
    db = openStore(paths.storeFile);
    assert.deepEqual(
      listRuns(db).map((r) => r.id),
      [GOOD],
    );
    db.close();
  });

  it('skips an event the store refuses (an experiment name over 500 characters), reporting its line, and keeps the rest', () => {
    goodRun();
    new EventLogWriter(paths.runsDir, BAD)
      .start({ experiment: 'e'.repeat(600) })
      .write({ type: 'metric', ts: 1_700_000_000_002, key: 'loss', value: 2, step: 0 }, { type: 'run_end', ts: 1_700_000_000_003, status: 'finished' });
    const db = openStore(paths.storeFile);
    const r = ingestWorkspace(db, paths);
    const runs = listRuns(db);
    db.close();
    assert.deepEqual(
      r.issues.map((i) => i.line),
      [1],
    );
    assert.match(r.issues[0]!.message, /refused/);
    const bad = runs.find((x) => x.id === BAD)!;
    assert.equal(bad.status, 'finished');
    assert.equal(bad.metrics['loss']?.last, 2);
  });
});

/** Issue 13, item 6: the event-log format's own rules. */
describe('fault: the event-log spec', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let paths: WorkspacePaths;
  const RUN = '018f00000000aaaaaaaa';
  beforeEach(() => {
    tmp = makeTempDir();
    paths = ensureWorkspace(path.join(tmp.dir, '.mlwb'));
  });
  afterEach(() => tmp.cleanup());

  it('ignores a run_start after run_end', () => {
    new EventLogWriter(paths.runsDir, RUN)
      .start({ name: 'first' })
      .write({ type: 'run_end', ts: 1_700_000_000_005, status: 'finished' })
      .write({ v: 1, type: 'run_start', ts: 1_700_000_000_009, name: 'second', experiment: 'other' });
    const db = openStore(paths.storeFile);
    ingestWorkspace(db, paths);
    const [run] = listRuns(db);
    db.close();
    assert.equal(run?.name, 'first');
    assert.equal(run?.status, 'finished');
    assert.equal(run?.experiment, 'exp');
  });

  it('reports a log of a newer format version and ingests none of it, so an update can later', () => {
    new EventLogWriter(paths.runsDir, RUN).start({ v: 2 }).write({ type: 'metric', ts: 1_700_000_000_002, key: 'loss', value: 2, step: 0 });
    const db = openStore(paths.storeFile);
    const first = ingestWorkspace(db, paths);
    const again = ingestWorkspace(db, paths);
    assert.deepEqual(listRuns(db), []);
    db.close();
    for (const r of [first, again]) {
      assert.equal(r.issues.length, 1);
      assert.equal(r.issues[0]!.line, 1);
      assert.match(r.issues[0]!.message, /format v2 is newer.*not ingested/);
    }
  });
});
