// The loading proof for issue 12, on the VSIX itself: unpack it, then under official Node 22 and
// Node 24 builds (from the npm registry) start the packaged backend the way the extension does and
// do a store round trip, churn statements through garbage collection, and use the packaged CLI.
// Under Node 20 the packaged CLI and backend must refuse with a message, not crash.
// Electron cannot be fetched here; it loads the same Node-API binary (docs/architecture.md).
// VSIX: MLWB_TEST_VSIX (scripts/test.mjs builds it once for this and the e2e suite), else built here.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import { ensureNode, NODE_VERSIONS } from '../../scripts/lib/node-runtime.mjs';
import { nonNodeApiModules } from '../../scripts/lib/native-abi.mjs';
import { extractZip, readZipEntries } from '../../scripts/lib/zip.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the packaged extension loads its store on every supported Node', function () {
  this.timeout(10 * 60_000);
  /** @type {string} */ let tmp;
  /** @type {string} */ let ext;
  /** @type {string} */ let vsix;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'mlwb-packaged-'));
    vsix = process.env.MLWB_TEST_VSIX ?? join(tmp, 'ml-workbench.vsix');
    if (!process.env.MLWB_TEST_VSIX) {
      const r = spawnSync(process.execPath, [join(repo, 'scripts/package.mjs'), '--out', vsix], { cwd: repo, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr + r.stdout);
    }
    await extractZip(vsix, join(tmp, 'vsix'));
    ext = join(tmp, 'vsix', 'extension');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('loads Node built-ins and the vscode API with a plain require in every bundle', () => {
    // esbuild's namespace-import wrapper (__toESM, any name once minified) copies a module's every
    // export per importing file: 150 copies cost each CLI command 4-8 ms of its start
    // (scripts/build.mjs, requireBuiltins). A wrapped require of a built-in means it is back.
    const dist = join(ext, 'dist');
    const wrapped = /\(require\("(?:node:[\w/]+|vscode)"\)\)/g;
    const found = readdirSync(dist)
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => (readFileSync(join(dist, f), 'utf8').match(wrapped) ?? []).map((m) => `${f}: ${m}`));
    assert.deepEqual(found, []);
  });

  it('ships only Node-API native modules', async () => {
    const natives = await readZipEntries(vsix, (n) => n.endsWith('.node'));
    assert.ok(
      natives.some((n) => n.name.endsWith(`better-sqlite3/prebuilds/${process.platform}-${process.arch}.node`)),
      natives.map((n) => n.name).join(),
    );
    assert.deepEqual(nonNodeApiModules(natives), []);
    // Only this platform's binary: the other platforms' prebuilds stay out of this VSIX.
    assert.deepEqual(readdirSync(join(ext, 'node_modules/better-sqlite3/prebuilds')), [`${process.platform}-${process.arch}.node`]);
  });

  for (const major of /** @type {const} */ ([22, 24])) {
    describe(`on Node ${NODE_VERSIONS[major]}`, () => {
      /** @type {string} */ let node;
      before(async () => (node = (await ensureNode(NODE_VERSIONS[major], { log: () => {} })).bin));

      it('the backend ingests a run from the Python client and serves it from the store', async () => {
        const ws = join(tmp, `ws-${major}`);
        mkdirSync(ws);
        const py = spawnSync(
          'python3',
          [
            '-c',
            'import mlwb\nwith mlwb.start_run(experiment="proof", name="r1", params={"lr": 0.1}) as run:\n    for i in range(3): run.log_metric("loss", 1.0 / (i + 1), step=i)',
          ],
          {
            cwd: ws,
            env: { ...process.env, PYTHONPATH: join(ext, 'python'), MLWB_DIR: join(ws, '.mlwb'), MLWB_CAPTURE_ENV: '0' },
            encoding: 'utf8',
          },
        );
        assert.equal(py.status, 0, py.stderr);
        const backend = startBackend(node, ws);
        try {
          const init = await backend.request('initialize', { workspaceFolder: ws, protocolVersion: 1 });
          assert.equal(init.node, `v${NODE_VERSIONS[major]}`);
          assert.equal(init.hasWorkspace, true);
          console.log(`      backend on Node ${NODE_VERSIONS[major]} answered initialize ${init.startupMs} ms after start`);
          const runs = await waitFor('the ingested run', async () => {
            const list = await backend.request('runs/list', {});
            return list.length ? list : undefined;
          });
          assert.deepEqual(
            runs.map((/** @type {any} */ r) => [r.name, r.experiment, r.status]),
            [['r1', 'proof', 'finished']],
          );
          const points = await backend.request('runs/metric', { id: runs[0].id, key: 'loss' });
          assert.deepEqual(
            points.map((/** @type {any} */ p) => p.value),
            [1, 0.5, 1 / 3],
          );
        } finally {
          await backend.stop();
        }
        assert.ok(existsSync(join(ws, '.mlwb', 'store.db')));
        // The packaged CLI reads the same store on the same Node.
        const cli = spawnSync(node, [join(ext, 'dist/cli.js'), 'runs', 'list', '--json'], {
          cwd: ws,
          encoding: 'utf8',
          env: { ...process.env, MLWB_DIR: join(ws, '.mlwb') },
        });
        assert.equal(cli.status, 0, cli.stderr);
        assert.deepEqual(
          JSON.parse(cli.stdout).map((/** @type {any} */ r) => r.name),
          ['r1'],
        );
      });

      it('loads the packaged onnxruntime-node (once it is a dependency)', function () {
        const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
        if (!pkg.dependencies['onnxruntime-node']) this.skip();
        const code = `const ort = require(${JSON.stringify(join(ext, 'node_modules/onnxruntime-node'))}); console.log(typeof ort.InferenceSession.create, ort.env.versions.node);`;
        const r = spawnSync(node, ['-e', code], { encoding: 'utf8', timeout: 60_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), `function ${pkg.dependencies['onnxruntime-node']}`);
        // Only this platform's binaries: the package carries every platform's (~290 MB).
        assert.deepEqual(readdirSync(join(ext, 'node_modules/onnxruntime-node/bin/napi-v6')), [process.platform]);
      });

      it('survives garbage collection of many unreferenced statements (regression probe)', () => {
        // better-sqlite3 12 built against Node >= 24.19 headers aborted the process when V8
        // finalized wrapped statements during an idle GC. Churn statements and garbage for a while.
        const probe = `const Database = require(${JSON.stringify(join(ext, 'node_modules/better-sqlite3'))});
          const db = new Database(':memory:');
          let n = 0;
          (function step() {
            for (let i = 0; i < 2000; i++) db.prepare('select ' + (i % 100)).get();
            const junk = []; for (let i = 0; i < 20000; i++) junk.push({ i, s: 'x' + i });
            if (++n < 150) setTimeout(step, 1); else { global.gc(); console.log('ok ' + n); }
          })();`;
        const r = spawnSync(node, ['--expose-gc', '-e', probe], { encoding: 'utf8', timeout: 120_000 });
        assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), 'ok 150');
      });
    });
  }

  describe(`on Node ${NODE_VERSIONS[20]} (below the floor)`, () => {
    /** @type {string} */ let node;
    before(async () => (node = (await ensureNode(NODE_VERSIONS[20], { log: () => {} })).bin));

    for (const bundle of ['cli.js', 'backend.js']) {
      it(`dist/${bundle} says it needs Node 22.14 instead of crashing`, () => {
        const r = spawnSync(node, [join(ext, 'dist', bundle), 'runs', 'list'], { cwd: tmp, encoding: 'utf8', timeout: 30_000 });
        assert.equal(r.signal, null, `killed by ${r.signal}`);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /needs Node\.js 22\.14 or newer \(Node-API 10\); this is Node 20\./);
      });
    }
  });
});

/**
 * The packaged backend, spawned as the extension spawns it (its runtime, its dist/backend.js).
 * @param {string} node
 * @param {string} cwd
 */
function startBackend(node, cwd) {
  const child = spawn(node, [join(cwd, '..', 'vsix', 'extension', 'dist', 'backend.js')], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  const exited = new Promise((r) => child.once('exit', r));
  return {
    /** @type {(method: string, params: unknown) => Promise<any>} */
    request: (method, params) =>
      Promise.race([
        connection.sendRequest(method, params),
        exited.then((code) => Promise.reject(new Error(`backend exited (${code}) before answering ${method}: ${stderr}`))),
      ]),
    stop: async () => {
      connection.dispose();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/**
 * @template T
 * @param {string} what
 * @param {() => Promise<T | undefined>} fn
 * @returns {Promise<T>}
 */
async function waitFor(what, fn, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
