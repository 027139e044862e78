import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { distFile } from '../helpers/dist';
import { makeTempDir } from '../helpers/tmp';

/** The bundled CLI as a process: the hashing worker threads must start from the esbuild bundle too. */
describe('mlwb snapshot as a process', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  const mlwb = (...args: string[]) =>
    execFileSync(process.execPath, [distFile('cli.js'), ...args], { cwd: tmp.dir, encoding: 'utf8', env: { ...process.env, MLWB_DIR: '' } });

  it('hashes on worker threads, re-snapshots incrementally, and diffs as JSON', () => {
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
    const data = path.join(tmp.dir, 'data');
    fs.mkdirSync(data);
    const past = new Date(Date.now() - 3600_000);
    for (let i = 0; i < 120; i++) {
      const f = path.join(data, `f${String(i).padStart(3, '0')}.bin`);
      fs.writeFileSync(f, crypto.randomBytes(5000 + i));
      fs.utimesSync(f, past, past);
    }
    const first = JSON.parse(mlwb('snapshot', 'create', 'data', '--json')) as { id: string; file_count: number; stats: { hashed_files: number } };
    assert.deepEqual([first.file_count, first.stats.hashed_files], [120, 120]);
    const show = JSON.parse(mlwb('snapshot', 'show', first.id, '--json')) as { files: { path: string; sha256: string }[] };
    for (const f of show.files) {
      assert.equal(
        f.sha256,
        crypto
          .createHash('sha256')
          .update(fs.readFileSync(path.join(data, f.path)))
          .digest('hex'),
      );
    }
    fs.writeFileSync(path.join(data, 'f000.bin'), 'changed');
    const second = JSON.parse(mlwb('snapshot', 'create', 'data', '--json')) as { id: string; stats: { hashed_files: number; reused_files: number } };
    assert.deepEqual([second.stats.hashed_files, second.stats.reused_files], [1, 119]);
    assert.deepEqual(JSON.parse(mlwb('snapshot', 'diff', first.id, second.id, '--json')), { added: [], removed: [], modified: ['f000.bin'] });
  });

  it('stops at Ctrl-C while its own thread hashes: nothing recorded, no temp file left', async function () {
    this.timeout(30_000);
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
    const data = path.join(tmp.dir, 'data');
    fs.mkdirSync(data);
    // 256 MiB in 1 MiB files: far more than the time to see the first stored object and signal.
    const block = crypto.randomBytes(1 << 20);
    for (let i = 0; i < 256; i++) fs.writeFileSync(path.join(data, `f${i}.bin`), Buffer.concat([Buffer.from(`${i}`), block]));
    const child = spawn(process.execPath, [distFile('cli.js'), 'snapshot', 'create', 'data', '--json'], {
      cwd: tmp.dir,
      env: { ...process.env, MLWB_DIR: '' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Signal once the first objects are stored: the hashing is under way.
    const objects = path.join(tmp.dir, '.mlwb', 'objects');
    const started = Date.now();
    const storing = () => fs.existsSync(objects) && fs.readdirSync(objects, { withFileTypes: true }).some((e) => e.isDirectory() && e.name !== 'tmp');
    while (!storing()) {
      assert.ok(Date.now() - started < 20_000, 'the snapshot stored no object within 20 s');
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 1, `exit code 1 (failure), stderr: ${stderr}`);
    assert.match(stderr, /Cancelled; nothing was recorded/);
    const stored = fs.readdirSync(objects).filter((n) => n !== 'tmp').length;
    assert.ok(stored < 256, `cancelled before the end (${stored} object folders)`);
    assert.deepEqual(fs.readdirSync(path.join(objects, 'tmp')), [], 'no temp file left');
    assert.deepEqual(JSON.parse(mlwb('snapshot', 'list', '--json')), []);
  });
});
