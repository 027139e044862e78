import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../../src/core/store/database';
import { distFile } from '../../helpers/dist';
import { seedRuns } from '../../helpers/seed';
import { makeTempDir } from '../../helpers/tmp';

/** The built `mlwb` as a real process. */
function mlwb(cwd: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [distFile('cli.js'), ...args], { cwd, env: { ...process.env, MLWB_DIR: '' }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Issues 13 and 21: the CLI's exit codes are one documented table (docs/cli.md), checked on dist/cli.js. */
describe('fault: mlwb exit codes and failure output (built binary)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
  });
  afterEach(() => tmp.cleanup());

  function seed(n: number): void {
    const db = openStore(path.join(tmp.dir, '.mlwb', 'store.db'));
    seedRuns(
      db,
      Array.from({ length: n }, (_, i) => ({ id: `r${String(i).padStart(5, '0')}`, params: { lr: '0.1'.repeat(20) } })),
    );
    db.close();
  }

  const table: [string, string[], number][] = [
    ['help', ['--help'], 0],
    ['version', ['--version'], 0],
    ['a listing', ['runs', 'list', '--json'], 0],
    ['--limit abc', ['runs', 'list', '--limit', 'abc'], 2],
    ['an unknown option', ['runs', 'list', '--bogus'], 2],
    ['an unknown command', ['nosuchcommand'], 2],
    ['a missing argument', ['runs', 'show'], 2],
    ['an unknown run id', ['runs', 'show', 'nosuch'], 2],
    ['a bad filter', ['runs', 'list', '--filter', 'metrics.loss <'], 2],
    ['a negative --limit', ['runs', 'list', '--limit', '-1'], 2],
    ['an unknown --order-by field', ['runs', 'list', '--order-by', 'bogus'], 2],
    ['a missing argument of a subcommand two levels down', ['snapshot', 'restore'], 2],
    ['a path that does not exist', ['snapshot', 'create', 'no-such-folder'], 2],
    ['a snapshot id that does not exist', ['snapshot', 'diff', 'aaaa', 'bbbb'], 2],
    ['a model file that does not exist', ['models', 'register', 'no-such.onnx', '--name', 'm'], 2],
  ];
  for (const [what, args, code] of table) {
    it(`exits ${code} for ${what}`, () => {
      seed(1);
      const r = mlwb(tmp.dir, args);
      assert.equal(r.code, code, r.stderr);
      if (code === 2) assert.match(r.stderr, /\S/, 'says what was wrong');
    });
  }

  it('exits 2 for a conflict refusal (restore over local changes)', () => {
    fs.mkdirSync(path.join(tmp.dir, 'data'));
    fs.writeFileSync(path.join(tmp.dir, 'data', 'a.csv'), 'x\n1\n');
    const s = JSON.parse(mlwb(tmp.dir, ['snapshot', 'create', 'data', '--json']).stdout) as { id: string };
    fs.writeFileSync(path.join(tmp.dir, 'data', 'a.csv'), 'local edit');
    const r = mlwb(tmp.dir, ['snapshot', 'restore', s.id]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--force/);
  });

  it('exits 2 when a command needs a workspace and there is none', () => {
    fs.rmSync(path.join(tmp.dir, '.mlwb'), { recursive: true });
    const r = mlwb(tmp.dir, ['runs', 'show', 'abc']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /No ML Workbench workspace found/);
    assert.equal(fs.existsSync(path.join(tmp.dir, '.mlwb')), false, 'a read creates no workspace');
  });

  it('exits 2 for a refusal to restore a metadata-only snapshot', () => {
    fs.mkdirSync(path.join(tmp.dir, 'data'));
    fs.writeFileSync(path.join(tmp.dir, 'data', 'a.csv'), 'x\n1\n');
    const s = JSON.parse(mlwb(tmp.dir, ['snapshot', 'create', 'data', '--metadata-only', '--json']).stdout) as { id: string };
    const r = mlwb(tmp.dir, ['snapshot', 'restore', s.id]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /metadata-only/);
  });

  it('exits 1 when the store cannot be opened for writing (the command was right, the machine failed)', () => {
    // A folder where store.db should be: unopenable even for root, who ignores file modes.
    fs.mkdirSync(path.join(tmp.dir, '.mlwb', 'store.db'));
    const r = mlwb(tmp.dir, ['runs', 'list', '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Cannot open the store .*store\.db/);
  });

  it('rejects 5,000 nested parentheses as bad input instead of overflowing the stack', () => {
    seed(1);
    const r = mlwb(tmp.dir, ['runs', 'list', '--filter', '('.repeat(5000) + 'metrics.loss < 1' + ')'.repeat(5000)]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /nest deeper/);
  });

  it('exits 1 with the way out for a corrupt data page', () => {
    seed(3000);
    const file = path.join(tmp.dir, '.mlwb', 'store.db');
    const size = fs.statSync(file).size;
    // Garbage over the pages in the middle of the file (the header stays valid).
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(size / 2, 0x5a), 0, size / 2, 4096 * 2);
    fs.closeSync(fd);
    const r = mlwb(tmp.dir, ['runs', 'list', '--json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /mlwb ingest --rebuild/);
    assert.doesNotMatch(r.stderr, /unexpected error/);
  });

  it('stops quietly when its reader goes away (piped into head)', async () => {
    seed(3000);
    const child = spawn(process.execPath, [distFile('cli.js'), 'runs', 'list', '--json'], { cwd: tmp.dir, env: { ...process.env, MLWB_DIR: '' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Like `head -c 100`: read a little, then close the pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.doesNotMatch(stderr, /EPIPE|Error|at /, stderr);
    assert.equal(code, 0);
  });
});
