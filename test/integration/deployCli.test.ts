// `mlwb deploy` and friends through the built binary (dist/cli.js), as a user or CI runs them:
// the server started by `mlwb deploy` keeps serving after that process exits.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { distFile } from '../helpers/dist';
import { onnxFixtures, type OnnxFixtures } from '../helpers/onnxFixtures';
import { makeTempDir } from '../helpers/tmp';

describe('mlwb deploy / deployments / undeploy / rollback (built CLI)', function () {
  this.timeout(120_000);
  let fx: OnnxFixtures;
  let tmp: ReturnType<typeof makeTempDir>;
  const run = (args: string[]) =>
    spawnSync(process.execPath, [distFile('cli.js'), ...args], { cwd: tmp.dir, encoding: 'utf8', env: { ...process.env, MLWB_DIR: '' }, timeout: 90_000 });
  const json = <T>(args: string[]): T => {
    const r = run([...args, '--json']);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };

  before(() => (fx = onnxFixtures()));
  beforeEach(() => {
    tmp = makeTempDir('mlwb-deploy-cli-');
    for (const i of [3, 4]) assert.equal(run(['models', 'register', fx.variants[i]!, '--name', 'adder']).status, 0);
  });
  afterEach(() => {
    for (const d of JSON.parse(run(['deployments', '--json']).stdout || '[]') as { id: string; status: string }[])
      if (d.status !== 'stopped' && d.status !== 'failed') run(['undeploy', d.id]);
    tmp.cleanup();
  });

  it('deploys, lists, shows logs, rolls back and undeploys; the server outlives the CLI', async () => {
    const d = json<{ id: string; model: string; version: number; target: string; status: string; url: string; created_at: string }>([
      'deploy',
      'adder:1',
      '--target',
      'local',
      '--option',
      'sampleRate=1',
    ]);
    assert.equal(d.status, 'healthy');
    const served = JSON.parse(fs.readFileSync(path.join(tmp.dir, '.mlwb', 'deployments', d.id, 'server.json'), 'utf8')) as {
      requestLog: { sampleRate: number };
    };
    assert.equal(served.requestLog.sampleRate, 1, '--option reaches the target');
    assert.deepEqual([d.model, d.version, d.target], ['adder', 1, 'local']);
    assert.ok(!Number.isNaN(Date.parse(d.created_at)));
    // The deploying process has exited; the server still answers.
    const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [0, 0] }] });
    const res = await fetch(`${d.url}/v2/models/adder/infer`, { method: 'POST', body });
    assert.deepEqual(((await res.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data, [3, 3]);

    const list = json<{ id: string; status: string }[]>(['deployments']);
    assert.deepEqual(
      list.map((x) => [x.id, x.status]),
      [[d.id, 'healthy']],
    );
    const text = run(['deployments']);
    assert.match(text.stdout, new RegExp(`${d.id}\\s+adder:1\\s+local\\s+healthy\\s+${d.url.replace(/\./g, '\\.')}`));
    const logs = run(['deployments', 'logs', d.id]);
    assert.equal(logs.status, 0, logs.stderr);
    assert.match(logs.stdout, /mlwb-server listening on/);

    const noPrev = run(['rollback', d.id]);
    assert.equal(noPrev.status, 2);
    assert.match(noPrev.stderr, /no earlier version/);

    const stopped = json<{ status: string }>(['undeploy', d.id]);
    assert.equal(stopped.status, 'stopped');
    await assert.rejects(fetch(`${d.url}/v2/health/live`));
  });

  it('follows the log until interrupted', async () => {
    const d = json<{ id: string; url: string }>(['deploy', 'adder:2']);
    const follower = spawn(process.execPath, [distFile('cli.js'), 'deployments', 'logs', d.id, '--follow'], {
      cwd: tmp.dir,
      env: { ...process.env, MLWB_DIR: '' },
    });
    let out = '';
    follower.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, re);
    };
    await waitFor(/listening on/);
    // A line the server writes after we started following: its SIGTERM drain message.
    assert.equal(run(['undeploy', d.id]).status, 0);
    await waitFor(/SIGTERM: draining/);
    follower.kill('SIGINT');
    const code = await new Promise<number | null>((r) => follower.once('exit', (c) => r(c)));
    assert.equal(code, 0);
  });

  it('a port in use: exit 1, the reason on stderr, a failed record and nothing serving', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = run(['deploy', 'adder:1', '--port', String(port), '--json']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`Port ${port} .*in use`));
      const rec = JSON.parse(r.stdout) as { status: string; reason: string };
      assert.equal(rec.status, 'failed');
      assert.deepEqual(
        json<{ status: string }[]>(['deployments']).map((x) => x.status),
        ['failed'],
      );
    } finally {
      blocker.close();
    }
  });

  it('bad input exits 2: unknown model, unknown target, bad port, unknown id', () => {
    for (const args of [
      ['deploy', 'nosuch'],
      ['deploy', 'adder:1', '--target', 'mars'],
      ['deploy', 'adder:1', '--port', 'abc'],
      ['deploy', 'adder:1', '--option', 'sampleRate'],
      ['undeploy', 'nosuch-1'],
      ['deployments', 'logs', 'nosuch-1'],
    ]) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^mlwb: /);
    }
    assert.equal(fs.existsSync(path.join(tmp.dir, '.mlwb', 'deployments')), false, 'nothing written for refused deploys');
  });
});
