// Deployments owned by the real backend process over JSON-RPC: deploy with progress, statuses
// pushed to the extension, log streaming, re-attach after a backend restart (a window reload),
// a dead server marked stopped with the reason, and refusal in an untrusted workspace.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerModel } from '../../src/core/registry';
import { validateOnnx } from '../../src/core/registry/validate';
import { useBackendWorkspace } from '../helpers/backendWorkspace';
import { distFile } from '../helpers/dist';
import { onnxFixtures, type OnnxFixtures } from '../helpers/onnxFixtures';

describe('deployments in the backend (real backend and server processes)', function () {
  this.timeout(120_000);
  let fx: OnnxFixtures;
  const pids: number[] = [];
  const ws = useBackendWorkspace({
    prefix: 'mlwb-deploy-backend-',
    // Also servers a failing test never got to note (their records still name them).
    beforeCleanup: () => {
      const records = path.join(ws.dir, '.mlwb', 'deployments');
      if (fs.existsSync(records))
        for (const f of fs.readdirSync(records).filter((n) => n.endsWith('.json'))) {
          const pid = (JSON.parse(fs.readFileSync(path.join(records, f), 'utf8')) as { handle?: { pid?: number } }).handle?.pid;
          if (typeof pid === 'number') pids.push(pid);
        }
      for (const pid of pids.splice(0)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    },
  });

  before(() => (fx = onnxFixtures()));
  beforeEach(async () => {
    const root = path.join(ws.dir, '.mlwb');
    fs.mkdirSync(root);
    await registerModel(root, { name: 'adder', file: fx.variants[5]!, validate: validateOnnx });
  });
  it('deploys with progress, streams logs, re-attaches after a restart and marks a killed server stopped', async () => {
    let backend = await ws.start({ trusted: true });
    assert.deepEqual(await backend.request('deployments/targets', {}), { targets: ['local', 'container', 'kubernetes'], defaultTarget: 'local' });
    const rec = await backend.request('deployments/deploy', { ref: 'adder', opId: 'op1' });
    assert.equal(rec.status, 'healthy', rec.reason);
    pids.push(rec.handle!.pid as number);
    await backend.waitForNotification('deployments/progress', (p) => p.opId === 'op1' && /ready at/.test(p.line));
    await backend.waitForNotification('deployments/changed', (p) => p.deployments.some((d) => d.id === rec.id && d.status === 'healthy'));

    await backend.request('deployments/logs', { id: rec.id, streamId: 's1', follow: false });
    const logged = await backend.waitForNotification('deployments/logLines', (p) => p.streamId === 's1' && p.lines.some((l) => /listening on/.test(l)));
    assert.ok(logged.lines.length > 0);
    await backend.waitForNotification('deployments/logLines', (p) => p.streamId === 's1' && p.done === true);

    // A window reload: the backend goes away (killed, no goodbye), the server keeps serving.
    await backend.stop();
    assert.equal((await fetch(`${rec.url}/v2/health/ready`)).status, 200);
    fs.writeFileSync(path.join(ws.dir, '.mlwb', 'deployments', `${rec.id}.json`), JSON.stringify({ ...rec, status: 'unhealthy', reason: 'stale' }));
    backend = await ws.start({ trusted: true });
    await backend.waitForNotification('deployments/changed', (p) => p.deployments.some((d) => d.id === rec.id && d.status === 'healthy'));

    process.kill(rec.handle!.pid as number, 'SIGKILL');
    const gone = await backend.waitForNotification('deployments/changed', (p) => p.deployments.some((d) => d.id === rec.id && d.status === 'stopped'), 15_000);
    assert.match(gone.deployments.find((d) => d.id === rec.id)!.reason!, /no longer running/);
  });

  it('shows deployments another process (the CLI) makes and stops, without being asked', async () => {
    const backend = await ws.start({ trusted: true });
    assert.deepEqual(await backend.request('deployments/list', {}), []);
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [distFile('cli.js'), ...args], { cwd: ws.dir, encoding: 'utf8', env: { ...process.env, MLWB_DIR: '' } });
    const deployed = cli(['deploy', 'adder', '--json']);
    assert.equal(deployed.status, 0, deployed.stderr);
    const { id } = JSON.parse(deployed.stdout) as { id: string };
    await backend.waitForNotification('deployments/changed', (p) => p.deployments.some((d) => d.id === id && d.status === 'healthy'), 15_000);
    assert.equal(cli(['undeploy', id]).status, 0);
    await backend.waitForNotification('deployments/changed', (p) => p.deployments.some((d) => d.id === id && d.status === 'stopped'), 15_000);
  });

  it('refuses to deploy or stop in an untrusted workspace, and lists what exists', async () => {
    const backend = await ws.start({ trusted: false });
    await assert.rejects(backend.request('deployments/deploy', { ref: 'adder' }), /needs a trusted workspace/);
    assert.deepEqual(await backend.request('deployments/list', {}), []);
    assert.equal(fs.existsSync(path.join(ws.dir, '.mlwb', 'deployments')), false, 'nothing written');
    await backend.request('workspace/trust', { trusted: true });
    const rec = await backend.request('deployments/deploy', { ref: 'adder' });
    pids.push(rec.handle!.pid as number);
    assert.equal(rec.status, 'healthy', rec.reason);
    const stopped = await backend.request('deployments/stop', { id: rec.id });
    assert.equal(stopped.status, 'stopped');
  });
});
