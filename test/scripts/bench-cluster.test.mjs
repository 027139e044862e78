// bench/lib/cluster.mjs runs a server script as N processes on one port for the serving benchmark's
// multi-process points (docs/server.md#performance). Its numbers mean something only if every
// process really serves, the pids it prints are those processes (their CPU is what gets counted),
// and SIGTERM stops them all.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cluster = join(process.cwd(), 'bench/lib/cluster.mjs');

/** GET on a fresh connection (no keep-alive), so the primary hands each request to the next process. */
function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('bench/lib/cluster.mjs', () => {
  it('serves from every process on one port, names their pids, and stops them all on SIGTERM', async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-cluster-'));
    const script = join(dir, 'server.mjs');
    // Answers with its own pid; prints the line the benchmark waits for, as the real servers do.
    writeFileSync(
      script,
      `import * as http from 'node:http';
       const s = http.createServer((q, r) => r.end(String(process.pid)));
       s.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + s.address().port));
       process.on('SIGTERM', () => s.close(() => process.exit(0)));`,
    );
    const child = spawn(process.execPath, [cluster, '3', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      const m = await new Promise((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          const hit = /pids (\S+)\s+listening on (http:\/\/\S+)/.exec(out);
          if (hit) resolve(hit);
        });
        child.once('exit', (code) => reject(new Error(`cluster exited ${code}: ${out}`)));
      });
      const pids = m[1].split(',').map(Number);
      assert.equal(pids.length, 4, 'the primary and three processes');
      assert.equal(pids[0], child.pid);
      const answered = new Set();
      for (let i = 0; i < 12; i++) answered.add(Number(await get(m[2])));
      assert.deepEqual([...answered].sort(), pids.slice(1).sort(), 'every process served, and only those');
      const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.deepEqual(pids.filter(alive), []);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
