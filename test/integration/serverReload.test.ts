// SIGHUP makes a running model server re-read its config file: the request log's sample rate changes
// live (a server started at 0 logs nothing, then every request once the file says 1), other changed
// fields are reported as needing a restart, and a file that does not read or validate changes
// nothing. Records are counted by reading requests.bin back with the monitoring reader.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRequestLog } from '../../src/core/monitor/requestLog';
import { type RunningServer, makeTestModels, startModelServer } from '../helpers/modelServer';
import { makeTempDir } from '../helpers/tmp';
import { until } from '../helpers/wait';

const BODY = JSON.stringify({ inputs: [{ name: 'X', datatype: 'FP32', shape: [1, 4], data: [5.1, 3.5, 1.4, 0.2] }] });

describe('model server: config reload on SIGHUP', function () {
  this.timeout(120_000);
  if (process.platform === 'win32') return; // no SIGHUP on Windows (docs/server.md)
  let tmp: ReturnType<typeof makeTempDir>;
  let server: RunningServer | undefined;
  let logDir: string;
  let config: Record<string, unknown>;

  before(async function () {
    tmp = makeTempDir('mlwb-reload-');
    const models = makeTestModels(tmp.dir);
    if (!models) this.skip();
    logDir = path.join(tmp.dir, 'log');
    config = { port: 0, models: [{ name: 'iris', path: models.iris!.path }], requestLog: { dir: logDir, sampleRate: 0 } };
    server = await startModelServer(config, tmp.dir);
  });
  after(async () => {
    await server?.stop();
    tmp?.cleanup();
  });

  async function send(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${server!.url}/v2/models/iris/infer`, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 200, await res.text());
      await res.arrayBuffer().catch(() => undefined);
    }
  }
  const logged = (): number => readRequestLog(logDir, { limit: Infinity }).length;

  /** Rewrites the config file, sends SIGHUP, and waits for the `count`-th line matching `done` on stdout or stderr. */
  async function reload(text: string, done: RegExp, count: number): Promise<void> {
    fs.writeFileSync(server!.configFile, text);
    server!.proc.kill('SIGHUP');
    await until(() => (server!.stdout() + server!.stderr()).split('\n').filter((l) => done.test(l)).length >= count, `${done} (${count})`);
  }

  it('starts at sample rate 0 and writes nothing at all', async () => {
    await send(20);
    await new Promise((r) => setTimeout(r, 300)); // past the log's 50 ms batch timer
    assert.equal(fs.existsSync(path.join(logDir, 'requests.bin')), false, 'no file: nothing was handed to the disk');
    assert.equal(logged(), 0);
  });

  it('logs every request after the file says 1 and SIGHUP', async () => {
    const text = JSON.stringify({ ...config, requestLog: { dir: logDir, sampleRate: 1 } });
    await reload(text, /^config reloaded: requestLog\.sampleRate 0 -> 1$/, 1);
    await send(30);
    await until(() => logged() === 30, '30 records on disk');
    assert.equal(server!.stderr(), '', 'nothing to warn about');
  });

  it('keeps everything as it was when the file is invalid, saying why', async () => {
    await reload('{"models": [', /^config reload failed, nothing changed: .*server-\d+\.json: /, 1);
    await reload(JSON.stringify({ ...config, models: [] }), /^config reload failed, nothing changed: server config needs a non-empty "models" array$/, 1);
    await send(10);
    await until(() => logged() === 40, '40 records on disk: still sampling every request');
    assert.equal(server!.proc.exitCode, null);
  });

  it('reports other changed fields as needing a restart and applies only the sample rate', async () => {
    const text = JSON.stringify({ ...config, port: 1, drainTimeoutMs: 5, requestLog: { dir: logDir, sampleRate: 0 } });
    await reload(text, /^config reloaded: requestLog\.sampleRate 1 -> 0$/, 1);
    assert.match(server!.stderr(), /^config reload: drainTimeoutMs changed: needs a restart, ignored$/m);
    assert.match(server!.stderr(), /^config reload: port changed: needs a restart, ignored$/m);
    await send(10); // still answering on the port it started on
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(logged(), 40, 'sampling is off again');
  });
});
