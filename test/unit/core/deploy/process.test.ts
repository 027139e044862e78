import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { isOurProcess, stopProcess } from '../../../../src/core/deploy/process';

describe('local server processes: stop only what is still ours', () => {
  it('leaves a live process alone when its command line does not name the deployment (a reused pid)', async function () {
    if (process.platform !== 'linux') this.skip();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const pid = child.pid!;
      assert.equal(isOurProcess(pid, '/x/.mlwb/deployments/iris-1-abc/server.json'), false);
      await stopProcess(pid, '/x/.mlwb/deployments/iris-1-abc/server.json', 200);
      assert.equal(child.exitCode, null);
      assert.equal(child.signalCode, null, 'not signalled');
      assert.equal(isOurProcess(pid, 'sleep'), true);
      await stopProcess(pid, 'sleep', 2000);
      await exited;
      assert.equal(child.signalCode, 'SIGTERM');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('treats a pid that is not running as not ours', () => {
    assert.equal(isOurProcess(-1, 'x'), false);
    assert.equal(isOurProcess(2 ** 22 + 12345, 'x'), false);
  });
});
