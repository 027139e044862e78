// What a config reload (SIGHUP) applies to a running server: only the request log's sample rate,
// live; every other changed field is named as needing a restart; a bad file changes nothing.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseServerConfig, type ServerConfig } from '../../../src/server/config';
import { ConfigReloader, configChanges } from '../../../src/server/configReload';
import { RequestLog } from '../../../src/server/requestLog';
import { makeTempDir } from '../../helpers/tmp';

const base = (over: Record<string, unknown> = {}, log: Record<string, unknown> = { dir: '/logs', sampleRate: 0 }): ServerConfig =>
  parseServerConfig({ port: 0, models: [{ name: 'm', path: '/m.onnx' }], requestLog: log, ...over });

function harness(initial: ServerConfig, hasLog = true) {
  let next: () => ServerConfig = () => initial;
  const rates: number[] = [];
  const info: string[] = [];
  const warn: string[] = [];
  const reloader = new ConfigReloader(
    () => next(),
    initial,
    { setRequestLogSampleRate: (r) => hasLog && rates.push(r) > 0 },
    { info: (l) => info.push(l), warn: (l) => warn.push(l) },
  );
  return { reloader, rates, info, warn, set: (f: () => ServerConfig) => (next = f) };
}

describe('server config reload', () => {
  it('names the changed fields by path, values left out', () => {
    const a = base({ token: 'secret-a' });
    const b = base({ token: 'secret-b', port: 9000, models: [{ name: 'm', path: '/m.onnx', batching: { maxBatchSize: 4 } }] });
    assert.deepEqual(configChanges(a, b), ['models[0].batching.maxBatchSize', 'port', 'token']);
    assert.deepEqual(configChanges(a, structuredClone(a)), []);
    assert.deepEqual(
      configChanges(
        base(),
        base({
          models: [
            { name: 'm', path: '/m.onnx' },
            { name: 'n', path: '/n.onnx' },
          ],
        }),
      ),
      ['models'],
    );
  });

  it('applies a new sample rate live and remembers it, so the next reload compares with what runs', () => {
    const h = harness(base());
    h.set(() => base({}, { dir: '/logs', sampleRate: 1 }));
    assert.deepEqual(h.reloader.reload(), { applied: ['requestLog.sampleRate 0 -> 1'], needsRestart: [] });
    assert.deepEqual(h.reloader.reload(), { applied: [], needsRestart: [] });
    assert.deepEqual(h.rates, [1]);
    assert.deepEqual(h.info, ['config reloaded: requestLog.sampleRate 0 -> 1', 'config reloaded: nothing applied']);
    assert.deepEqual(h.warn, []);
  });

  it('reports every other change as needing a restart, each time until it is undone', () => {
    const h = harness(base());
    h.set(() => base({ port: 1 }, { dir: '/elsewhere', sampleRate: 0.5, maxFiles: 2 }));
    const r = h.reloader.reload();
    assert.deepEqual(r.applied, ['requestLog.sampleRate 0 -> 0.5']);
    assert.deepEqual(r.needsRestart, ['port', 'requestLog.dir', 'requestLog.maxFiles']);
    assert.equal(h.warn.length, 3);
    assert.match(h.warn[0]!, /^config reload: port changed: needs a restart, ignored$/);
    assert.deepEqual(h.reloader.reload().needsRestart, ['port', 'requestLog.dir', 'requestLog.maxFiles']);
  });

  it('a server without a request log cannot start sampling: that needs a restart too', () => {
    const h = harness(base({}, {}), false);
    h.set(() => base({}, { sampleRate: 1 }));
    assert.deepEqual(h.reloader.reload(), { applied: [], needsRestart: ['requestLog.sampleRate'] });
    assert.match(h.warn[0]!, /runs without a request log/);
  });

  it('a file that does not validate changes nothing and says why', () => {
    const h = harness(base());
    h.set(() => parseServerConfig({ models: [] }));
    const r = h.reloader.reload();
    assert.match(r.error!, /non-empty "models"/);
    assert.deepEqual(h.rates, []);
    assert.deepEqual(h.info, []);
    assert.match(h.warn[0]!, /^config reload failed, nothing changed: server config needs/);
  });

  it('a request log at rate 0 draws no random number and writes nothing; a new rate takes effect on the next request', async () => {
    const tmp = makeTempDir('mlwb-reload-log-');
    try {
      let draws = 0;
      const log = new RequestLog({ dir: tmp.dir, sampleRate: 0, maxFileBytes: 1 << 20, maxFiles: 2, maxRecordBytes: 1 << 16 }, () => (draws++, 0.5));
      for (let i = 0; i < 1000; i++) assert.equal(log.sample(), false);
      assert.equal(draws, 0);
      log.sampleRate = 0.6;
      assert.equal(log.sample(), true);
      log.sampleRate = 0.4;
      assert.equal(log.sample(), false);
      assert.throws(() => (log.sampleRate = 1.5), RangeError);
      assert.equal(log.sampleRate, 0.4);
      await log.close();
      assert.deepEqual(fs.readdirSync(tmp.dir), [], `nothing written: ${fs.readdirSync(tmp.dir).map((f) => path.join(tmp.dir, f))}`);
    } finally {
      tmp.cleanup();
    }
  });
});
