// `mlwb deployments sample-rate <id> <rate>`: a running local deployment starts or stops logging
// requests without a restart (its server.json rewritten, then SIGHUP). Counted by reading the
// deployment's request log back; the server keeps its pid and port throughout.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRequestLog } from '../../src/core/monitor/requestLog';
import { distFile } from '../helpers/dist';
import { onnxFixtures, type OnnxFixtures } from '../helpers/onnxFixtures';
import { makeTempDir } from '../helpers/tmp';
import { until } from '../helpers/wait';

describe('mlwb deployments sample-rate (built CLI, real local deployment)', function () {
  this.timeout(120_000);
  if (process.platform === 'win32') return; // no SIGHUP: the command says so (docs/server.md)
  let fx: OnnxFixtures;
  let tmp: ReturnType<typeof makeTempDir>;
  let id: string | undefined;
  const run = (args: string[]) =>
    spawnSync(process.execPath, [distFile('cli.js'), ...args], { cwd: tmp.dir, encoding: 'utf8', env: { ...process.env, MLWB_DIR: '' }, timeout: 90_000 });

  before(() => {
    fx = onnxFixtures();
    tmp = makeTempDir('mlwb-deploy-rate-');
    assert.equal(run(['models', 'register', fx.variants[3]!, '--name', 'adder']).status, 0);
  });
  after(() => {
    if (id) run(['undeploy', id]);
    tmp.cleanup();
  });

  it('turns the request log on and off for a running deployment, and refuses a bad rate', async () => {
    const r = run(['deploy', 'adder:1', '--target', 'local', '-o', 'sampleRate=0', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const d = JSON.parse(r.stdout) as { id: string; url: string };
    id = d.id;
    const dir = path.join(tmp.dir, '.mlwb', 'deployments', d.id);
    const pid = fs.readFileSync(path.join(dir, 'server.pid'), 'utf8');
    const logged = () => readRequestLog(path.join(dir, 'requests'), { limit: Infinity }).length;
    const send = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const res = await fetch(`${d.url}/v2/models/adder/infer`, {
          method: 'POST',
          body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [i, 0] }] }),
        });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
    };

    await send(5);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(logged(), 0, 'sample rate 0: nothing logged');

    const on = run(['deployments', 'sample-rate', d.id, '1']);
    assert.equal(on.status, 0, on.stderr);
    assert.match(on.stdout, /^config reloaded: requestLog\.sampleRate 0 -> 1$/m);
    await send(7);
    await until(() => logged() === 7, '7 records after the rate went to 1');

    const bad = run(['deployments', 'sample-rate', d.id, '2']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /from 0 to 1/);
    const off = run(['deployments', 'sample-rate', d.id, '0']);
    assert.equal(off.status, 0, off.stderr);
    assert.match(off.stdout, /requestLog\.sampleRate 1 -> 0/);
    await send(4);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(logged(), 7, 'back at 0: nothing more logged');
    assert.equal(fs.readFileSync(path.join(dir, 'server.pid'), 'utf8'), pid, 'the same server process throughout');
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'server.json'), 'utf8')).requestLog.sampleRate, 0);
  });
});
