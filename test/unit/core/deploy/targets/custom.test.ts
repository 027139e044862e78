import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseProjectConfig } from '../../../../../src/core/config/projectConfig';
import type { DeploymentRecord } from '../../../../../src/core/deploy/deployment';
import type { TargetContext } from '../../../../../src/core/deploy/target';
import { customTargets } from '../../../../../src/core/deploy/targets/custom';
import { parseCustomTargets } from '../../../../../src/core/deploy/targets/customConfig';
import type { ResolvedModel } from '../../../../../src/core/registry';
import { makeTempDir } from '../../../../helpers/tmp';

const parse = (yaml: string) => parseCustomTargets(parseProjectConfig(yaml));

/** A stand-in model server: answers /v2/health/ready on the port it is given and prints its argv. */
const FAKE_SERVER = `
const http = require('node:http');
const [port, ...rest] = process.argv.slice(2);
console.log('argv ' + JSON.stringify(rest));
http.createServer((req, res) => { res.writeHead(req.url === '/v2/health/ready' ? 200 : 404); res.end('{}'); })
  .listen(Number(port), '127.0.0.1', () => console.log('listening on ' + port));
process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); });
`;

describe('custom deploy targets (mlwb.yaml targets:)', () => {
  describe('validation names the line', () => {
    const cases: [string, string, RegExp][] = [
      ['not a mapping', 'targets: [a, b]\n', /^mlwb\.yaml:1: targets must be a mapping/],
      ['missing command', 'x: 1\ntargets:\n  staging:\n    url: http://h\n', /^mlwb\.yaml:3: target staging needs command/],
      ['a shell string', 'targets:\n  staging:\n    command: ./deploy.sh {image}\n', /^mlwb\.yaml:3: command must be a list of arguments/],
      ['an unknown key', 'targets:\n  staging:\n    command: [a]\n    comand: [b]\n', /^mlwb\.yaml:4: unknown key "comand" in target staging/],
      ['an unknown placeholder', 'targets:\n  staging:\n    command:\n      - run\n      - "{imag}"\n', /^mlwb\.yaml:5: unknown placeholder \{imag\}/],
      ['a built-in name', 'targets:\n  local:\n    command: [a]\n', /^mlwb\.yaml:2: "local" is a built-in target/],
      ['a bad name', 'targets:\n  "9 lives":\n    command: [a]\n', /^mlwb\.yaml:2: target name "9 lives" must start with a letter/],
      ['a bad url', 'targets:\n  s:\n    command: [a]\n    url: ftp://x\n', /^mlwb\.yaml:4: url must start with http/],
      ['a bad timeout', 'targets:\n  s:\n    command: [a]\n    readyTimeoutSeconds: -3\n', /^mlwb\.yaml:4: readyTimeoutSeconds must be a whole number/],
      ['an empty argument', 'targets:\n  s:\n    command: [a, ""]\n', /^mlwb\.yaml:3: command\[1\] must be a non-empty string/],
    ];
    for (const [what, yaml, message] of cases) it(`rejects ${what}`, () => assert.throws(() => parse(yaml), { message }));

    it('accepts a full target and fills defaults', () => {
      const [t] = parse(
        'targets:\n  staging:\n    command: [./deploy.sh, "{image}", "{port}"]\n    stop: [./stop.sh, "{id}"]\n    logs: [./logs.sh]\n    image: reg/{model}:{version}\n',
      );
      assert.deepEqual(t!.command, ['./deploy.sh', '{image}', '{port}']);
      assert.equal(t!.url, 'http://127.0.0.1:{port}');
      assert.equal(t!.readyTimeoutSeconds, 120);
      assert.equal(t!.where, 'mlwb.yaml:2');
      assert.deepEqual(parse('monitoring: {}\n'), []);
    });
  });

  describe('deploy, logs and stop', function () {
    this.timeout(30_000);
    let tmp: ReturnType<typeof makeTempDir>;
    const lines: string[] = [];
    const ctx = (): TargetContext => ({ mlwbRoot: path.join(tmp.dir, '.mlwb'), workspaceRoot: tmp.dir, log: (l) => lines.push(l) });
    const model: ResolvedModel = { name: 'iris', version: 2, path: '/store/model.onnx', sha256: 'ab'.repeat(32), signature: { inputs: [], outputs: [] } };
    const write = (yaml: string) => fs.writeFileSync(path.join(tmp.dir, 'mlwb.yaml'), yaml);
    const node = JSON.stringify(process.execPath);
    beforeEach(() => {
      lines.length = 0;
      tmp = makeTempDir();
      fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
      fs.writeFileSync(path.join(tmp.dir, 'server.js'), FAKE_SERVER);
    });
    afterEach(() => tmp.cleanup());

    it('runs the command with placeholders filled and no shell, waits for ready, shows its output, stops its process group', async () => {
      write(`targets:\n  dev:\n    command: [${node}, server.js, "{port}", "{model}:{version}", "{modelPath}", "{image}", "$(id); echo hi"]\n`);
      const target = customTargets(tmp.dir).get('dev')!;
      assert.equal(target.kind, 'dev');
      const started = await target.deploy({ id: 'iris-2-c1', model, options: {} }, ctx());
      const h = started.handle as { pid: number; logFile: string };
      const port = Number(/:(\d+)$/.exec(started.url)![1]);
      assert.equal((await fetch(`${started.url}/v2/health/ready`)).status, 200);
      const rec = { id: 'iris-2-c1', handle: started.handle } as unknown as DeploymentRecord;
      const logged: string[] = [];
      for await (const l of target.logs(rec, ctx(), false)) logged.push(l);
      assert.deepEqual(logged.slice(0, 2), [
        `argv ${JSON.stringify(['iris:2', '/store/model.onnx', 'mlwb/iris:2', '$(id); echo hi'])}`,
        `listening on ${port}`,
      ]);
      await target.stop(rec, ctx());
      assert.throws(() => process.kill(h.pid, 0), 'the command is stopped');
      await assert.rejects(fetch(`${started.url}/v2/health/ready`));
    });

    it('a command that fails: the reason names the target, its line and the command output; a port in use is refused', async () => {
      write(`# deploy targets\ntargets:\n  broken:\n    command: [${node}, -e, "console.error('no credentials for registry'); process.exit(3)"]\n`);
      const target = customTargets(tmp.dir).get('broken')!;
      await assert.rejects(target.deploy({ id: 'iris-2-b', model, options: {} }, ctx()), (e: Error) => {
        assert.match(e.message, /^broken: the command exited with code 3 before http:\/\/127\.0\.0\.1:\d+ was ready:\nno credentials for registry$/);
        return true;
      });
      write(`targets:\n  dev:\n    command: [${node}, server.js, "{port}"]\n`);
      const dev = customTargets(tmp.dir).get('dev')!;
      const first = await dev.deploy({ id: 'iris-2-p1', model, options: {} }, ctx());
      const port = Number(/:(\d+)$/.exec(first.url)![1]);
      try {
        await assert.rejects(dev.deploy({ id: 'iris-2-p2', model, port, options: {} }, ctx()), new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
      } finally {
        await dev.stop({ id: 'iris-2-p1', handle: first.handle } as unknown as DeploymentRecord, ctx());
      }
    });

    it('a command that never becomes ready: its process is stopped and the stop template runs', async () => {
      write(
        `targets:\n  remote:\n    command: [${node}, -e, "setInterval(() => {}, 1000)"]\n    stop: [${node}, -e, "require('fs').writeFileSync('stopped-{id}', '')"]\n    readyTimeoutSeconds: 1\n`,
      );
      const target = customTargets(tmp.dir).get('remote')!;
      await assert.rejects(
        target.deploy({ id: 'iris-2-r', model, options: {} }, ctx()),
        /remote \(mlwb\.yaml:2\): http:\/\/127\.0\.0\.1:\d+\/v2\/health\/ready did not answer within 1 s/,
      );
      assert.ok(fs.existsSync(path.join(tmp.dir, 'stopped-iris-2-r')), 'stop template ran');
    });

    it('no mlwb.yaml: no custom targets; a bad one: the error with its line', () => {
      assert.equal(customTargets(tmp.dir).size, 0);
      write('targets:\n  x:\n    command: [a]\n    stop: nope\n');
      assert.throws(() => customTargets(tmp.dir), { message: /^mlwb\.yaml:4: stop must be a list of arguments/ });
    });
  });
});
