import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createContainerTarget } from '../../../src/core/deploy/targets/container';
import { findContainerEngine } from '../../../src/core/deploy/targets/containerEngine';
import type { TargetContext } from '../../../src/core/deploy/target';
import { registerModel, resolveModelRef, type ResolvedModel } from '../../../src/core/registry';
import { validateOnnx } from '../../../src/core/registry/validate';
import { errorCodeOf } from '../../../src/shared/errors';
import { onnxFixtures, type OnnxFixtures } from '../../helpers/onnxFixtures';
import { makeTempDir } from '../../helpers/tmp';

/**
 * Container target failures that a real engine cannot be made to produce on demand: no engine,
 * a Docker CLI without a daemon, a build that dies midway, a host port already taken. Fake
 * `docker`/`podman` scripts on PATH record every call, so the tests see what was cleaned up.
 */
describe('container deploy target: engine missing, build failing midway, port in use', function () {
  this.timeout(120_000);
  let fx: OnnxFixtures;
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  let bin: string;
  let callLog: string;
  let model: ResolvedModel;
  const lines: string[] = [];
  const ctx = (): TargetContext => ({ mlwbRoot: root, workspaceRoot: path.dirname(root), log: (l) => lines.push(l) });
  const env = (): NodeJS.ProcessEnv => ({ PATH: bin, HOME: os.homedir() });
  const calls = () => (fs.existsSync(callLog) ? fs.readFileSync(callLog, 'utf8').trim().split('\n') : []);

  /** A fake tool: appends "<tool> <args>" to the call log, then runs `body` (sh). */
  function fakeTool(name: string, body: string): void {
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> '${callLog}'\n${body}\n`, { mode: 0o755 });
  }
  const dockerWithoutDaemon = () =>
    fakeTool('docker', 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1');

  before(() => (fx = onnxFixtures()));
  beforeEach(async () => {
    lines.length = 0;
    tmp = makeTempDir();
    root = path.join(tmp.dir, '.mlwb');
    bin = path.join(tmp.dir, 'bin');
    fs.mkdirSync(root);
    fs.mkdirSync(bin);
    callLog = path.join(tmp.dir, 'calls.log');
    await registerModel(root, { name: 'iris', file: fx.iris.path, validate: validateOnnx });
    model = resolveModelRef(root, 'iris');
  });
  afterEach(() => tmp.cleanup());

  it('no engine installed: a clear message naming both tools', async () => {
    await assert.rejects(findContainerEngine(env()), (e: Error) => {
      assert.equal(errorCodeOf(e), 'NOT_FOUND');
      assert.match(e.message, /No working container engine: docker: not installed \(not on PATH\); podman: not installed/);
      return true;
    });
  });

  it('a Docker CLI whose daemon is down is passed over for a working Podman; when Podman fails too, both reasons are shown', async () => {
    dockerWithoutDaemon();
    fakeTool('podman', 'exit 0');
    assert.equal((await findContainerEngine(env())).name, 'podman');
    fakeTool('podman', 'echo "Error: cannot connect to Podman socket" >&2; exit 125');
    await assert.rejects(findContainerEngine(env()), /docker: Cannot connect to the Docker daemon.*; podman: Error: cannot connect to Podman socket/);
  });

  it('a build that fails midway: the reason is the engine’s last output, the tag is removed, nothing runs, no context is left', async () => {
    dockerWithoutDaemon();
    fakeTool(
      'podman',
      [
        'case "$1" in',
        '  info) exit 0;;',
        '  build) echo "STEP 1/11: FROM localhost/base"; echo "STEP 2/11: COPY server/ /app/server/"; echo "Error: writing blob: no space left on device" >&2; exit 125;;',
        '  *) exit 0;;',
        'esac',
      ].join('\n'),
    );
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('mlwb-image-')).length;
    const target = createContainerTarget({ env });
    await assert.rejects(target.deploy({ id: 'iris-1-mid', model, options: {} }, ctx()), (e: Error) => {
      assert.match(e.message, /podman build failed \(exit 125\)/);
      assert.match(e.message, /no space left on device/);
      return true;
    });
    const c = calls().filter((l) => l.startsWith('podman'));
    assert.ok(
      c.some((l) => /^podman build --format docker .*-t localhost\/mlwb\/iris:1-iris-1-mid /.test(l)),
      c.join('\n'),
    );
    assert.ok(c.includes('podman rmi localhost/mlwb/iris:1-iris-1-mid'), c.join('\n'));
    assert.ok(!c.some((l) => l.startsWith('podman run')), 'nothing was started');
    assert.ok(lines.includes('STEP 2/11: COPY server/ /app/server/'), 'build output is streamed as progress');
    assert.equal(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('mlwb-image-')).length, before, 'the build context is removed');
  });

  it('a host port already in use fails before anything is built', async () => {
    fakeTool('podman', 'exit 0');
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const target = createContainerTarget({ env });
      await assert.rejects(target.deploy({ id: 'iris-1-port', model, port, options: {} }, ctx()), new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
      assert.deepEqual(
        calls().filter((l) => !l.endsWith(' info')),
        [],
      );
    } finally {
      blocker.close();
    }
  });
});
