// The tools on an old system Node (issue 12): a script that calls runOnSupportedNode() under
// Node 20 runs again under Node 24 from the npm registry, every `node` it starts is that one too,
// and a Ctrl-C reaches the re-run script exactly once so it can stop what it started.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode, NODE_VERSIONS } from '../../scripts/lib/node-runtime.mjs';

const probe = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'fixtures', 'reexec-probe.mjs');

describe('scripts on an old Node run on Node 24 (scripts/lib/node-runtime.mjs)', function () {
  this.timeout(5 * 60_000);
  /** @type {string} */ let node20;
  before(async () => {
    node20 = (await ensureNode(NODE_VERSIONS[20], { log: () => {} })).bin;
    await ensureNode(NODE_VERSIONS[24], { log: () => {} });
  });

  it('re-runs itself on Node 24, with that Node first on PATH', () => {
    const r = spawnSync(node20, [probe], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    assert.deepEqual(report, { version: `v${NODE_VERSIONS[24]}`, launcher: NODE_VERSIONS[20], onPath: `v${NODE_VERSIONS[24]}` });
  });

  it('passes one Ctrl-C on to the re-run script once, waits for it, and exits with its status', async () => {
    // detached: the launcher leads its own process group, as `npm run demo` in a terminal does.
    const launcher = spawn(node20, [probe, '--wait'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    launcher.stdout.on('data', (d) => (out += d));
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes('ready') && Date.now() < deadline && launcher.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, /ready/);
      // A terminal's Ctrl-C and `npm run` may both deliver SIGINT to the launcher.
      launcher.kill('SIGINT');
      launcher.kill('SIGINT');
      const code = await new Promise((r) => launcher.once('exit', r));
      assert.equal(code, 130);
      assert.match(out, /SIGINTs received: 1\n/);
    } finally {
      if (launcher.exitCode === null) process.kill(-(/** @type {number} */ (launcher.pid)), 'SIGKILL');
    }
  });
});
