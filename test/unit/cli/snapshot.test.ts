import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { snapshotCommand } from '../../../src/cli/commands/snapshot';
import { consoleOutput } from '../../../src/cli/output';
import { cli } from '../../helpers/cli';
import { makeTempDir } from '../../helpers/tmp';
import { put } from '../core/snapshots/helpers';

describe('mlwb snapshot', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
    fs.mkdirSync(path.join(tmp.dir, '.git'));
    put(tmp.dir, 'data/a.csv', 'x,y\n1,2\n');
    put(tmp.dir, 'data/b.txt', 'bee');
  });
  afterEach(() => tmp.cleanup());

  it('states the default in its help', () => {
    // commander prints --help straight to process.stdout, so read the help text itself.
    const create = snapshotCommand({ cwd: tmp.dir, env: {} }, consoleOutput).commands.find((c) => c.name() === 'create')!;
    const help = create.helpInformation();
    assert.match(help, /By default the content is copied/);
    assert.match(help, /--metadata-only/);
  });

  it('creates, lists, diffs (contract JSON) and shows snapshots', async () => {
    const c1 = await cli(tmp.dir, ['snapshot', 'create', 'data', '--name', 'v1', '--json']);
    assert.equal(c1.code, 0, c1.stderr);
    const s1 = JSON.parse(c1.stdout) as { id: string; dataset: string; file_count: number; metadata_only: boolean; stats: { hashed_files: number } };
    assert.deepEqual([s1.dataset, s1.file_count, s1.metadata_only, s1.stats.hashed_files], ['data', 2, false, 2]);
    assert.ok(fs.existsSync(path.join(tmp.dir, '.mlwb', 'store.db')), 'the workspace is created at the git root');

    put(tmp.dir, 'data/a.csv', 'x,y,z\n1,2,3\n4,5,6\n', false);
    put(tmp.dir, 'data/c.txt', 'sea', false);
    fs.rmSync(path.join(tmp.dir, 'data/b.txt'));
    fs.mkdirSync(path.join(tmp.dir, 'sub'));
    const c2 = await cli(path.join(tmp.dir, 'sub'), ['snapshot', 'create', '../data']);
    assert.equal(c2.code, 0, c2.stderr);
    assert.match(c2.stdout, /^Snapshot [0-9a-f]{20} of data: 2 files/);

    const list = JSON.parse((await cli(tmp.dir, ['snapshot', 'list', '--json', '--dataset', 'data'])).stdout) as { id: string; name: string | null }[];
    assert.equal(list.length, 2);
    assert.equal(list[1]!.id, s1.id);
    assert.equal(list[1]!.name, 'v1');

    const diff = await cli(tmp.dir, ['snapshot', 'diff', s1.id.slice(0, 16), 'data@latest', '--json']);
    assert.equal(diff.code, 0, diff.stderr);
    assert.deepEqual(JSON.parse(diff.stdout), { added: ['c.txt'], removed: ['b.txt'], modified: ['a.csv'] });

    const text = await cli(tmp.dir, ['snapshot', 'diff', 'v1', 'data@latest']);
    assert.match(text.stdout, /modified\s+a\.csv\s+8 B\s+18 B/);
    assert.match(text.stdout, /a\.csv: rows 1 → 2; columns added: z/);

    const show = JSON.parse((await cli(tmp.dir, ['snapshot', 'show', s1.id, '--json'])).stdout) as { files: { path: string }[]; runs: unknown[] };
    assert.deepEqual(
      show.files.map((f) => f.path),
      ['a.csv', 'b.txt'],
    );
    assert.deepEqual(show.runs, []);
  });

  it('restores, refusing to overwrite local changes without --force', async () => {
    const s = JSON.parse((await cli(tmp.dir, ['snapshot', 'create', 'data', '--json'])).stdout) as { id: string };
    fs.writeFileSync(path.join(tmp.dir, 'data/a.csv'), 'local edit');
    const refused = await cli(tmp.dir, ['snapshot', 'restore', s.id]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /would overwrite 1 locally changed file\(s\):\n {2}a\.csv\nUse --force/);
    assert.equal(fs.readFileSync(path.join(tmp.dir, 'data/a.csv'), 'utf8'), 'local edit');
    const forced = await cli(tmp.dir, ['snapshot', 'restore', s.id, '--force', '--json']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual((JSON.parse(forced.stdout) as { overwritten: string[] }).overwritten, ['a.csv']);
    assert.equal(fs.readFileSync(path.join(tmp.dir, 'data/a.csv'), 'utf8'), 'x,y\n1,2\n');
    const elsewhere = await cli(tmp.dir, ['snapshot', 'restore', s.id, '--to', 'restored']);
    assert.match(elsewhere.stdout, /Restored 2 file\(s\)/);
    assert.equal(fs.readFileSync(path.join(tmp.dir, 'restored/b.txt'), 'utf8'), 'bee');
  });

  it('explains metadata-only restores, unknown ids and empty workspaces', async () => {
    assert.deepEqual(JSON.parse((await cli(tmp.dir, ['snapshot', 'list', '--json'])).stdout), []);
    const none = await cli(tmp.dir, ['snapshot', 'diff', 'a', 'b']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /No snapshots here/);
    const s = JSON.parse((await cli(tmp.dir, ['snapshot', 'create', 'data', '--metadata-only', '--json'])).stdout) as { id: string; metadata_only: boolean };
    assert.equal(s.metadata_only, true);
    const r = await cli(tmp.dir, ['snapshot', 'restore', s.id, '--to', 'out']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /metadata-only: it recorded hashes but not the content, so it cannot be restored/);
    const unknown = await cli(tmp.dir, ['snapshot', 'show', 'nosuch']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No snapshot "nosuch"/);
    const missing = await cli(tmp.dir, ['snapshot', 'create', 'nothere']);
    assert.match(missing.stderr, /no such file or folder/);
  });

  it("prints a partial snapshot's problems per file", async () => {
    fs.symlinkSync('nowhere', path.join(tmp.dir, 'data/dangling'));
    const r = await cli(tmp.dir, ['snapshot', 'create', 'data']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /Partial snapshot: 1 file\(s\) could not be captured:\n {2}dangling: broken-link: symlink target nowhere is missing/);
  });
});
