import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../../src/core/store/database';
import { distFile } from '../../helpers/dist';
import { EventLogWriter } from '../../helpers/eventLog';
import { makeTempDir } from '../../helpers/tmp';

function run(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // MLWB_DEBUG: an unexpected error brings its stack into the assertion message.
    const p = spawn(process.execPath, [distFile('cli.js'), ...args], { cwd, env: { ...process.env, MLWB_DIR: '', MLWB_DEBUG: '1' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Issue 13, item 4: migrations run under the write lock, so concurrent first opens all succeed. */
describe('fault: six CLI processes open a workspace without store.db at once', () => {
  it('all succeed and agree on the runs', async function () {
    this.timeout(60_000);
    for (let attempt = 0; attempt < 3; attempt++) {
      const tmp = makeTempDir();
      try {
        const runsDir = path.join(tmp.dir, '.mlwb', 'runs');
        new EventLogWriter(runsDir, '018f00000000aaaaaaaa').start();
        assert.ok(!fs.existsSync(path.join(tmp.dir, '.mlwb', 'store.db')));
        const commands = [
          ['runs', 'list', '--json'],
          ['runs', 'list', '--json'],
          ['ingest', '--json'],
          ['runs', 'show', '018f00000000aaaaaaaa', '--json'],
          ['snapshot', 'list', '--json'],
          ['runs', 'list', '--json'],
        ];
        const results = await Promise.all(commands.map((c) => run(tmp.dir, c)));
        for (const [i, r] of results.entries()) assert.equal(r.code, 0, `${commands[i]!.join(' ')}: ${r.stderr}`);
        for (const r of [results[0]!, results[1]!, results[5]!]) {
          assert.deepEqual(
            (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id),
            ['018f00000000aaaaaaaa'],
          );
        }
      } finally {
        tmp.cleanup();
      }
    }
  });
});

describe('fault: a new store is opened while another process holds its write lock', () => {
  it('waits for the lock instead of failing "database is locked" on the switch to WAL', async function () {
    this.timeout(30_000);
    const tmp = makeTempDir();
    try {
      const file = path.join(tmp.dir, 'store.db');
      // Another process creates the file (rollback journal, as SQLite starts) and holds the write
      // lock for 400 ms, as a concurrent first open does while it migrates.
      const holder = spawn(
        process.execPath,
        [
          '-e',
          `const db = new (require(${JSON.stringify(require.resolve('better-sqlite3'))}))(${JSON.stringify(file)});
           db.exec('CREATE TABLE held (x)'); db.exec('BEGIN IMMEDIATE'); console.log('locked');
           Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400); db.exec('COMMIT'); db.close();`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const exited = new Promise((resolve) => holder.on('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
        holder.on('exit', (code) => reject(new Error(`the lock holder exited (${code}) before locking`)));
      });
      const started = Date.now();
      const db = openStore(file);
      try {
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        assert.ok(Date.now() - started >= 200, 'it opened only once the other process let go');
      } finally {
        db.close();
      }
      assert.equal(await exited, 0);
    } finally {
      tmp.cleanup();
    }
  });
});
