import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { foldModelLog } from '../../../../src/core/registry/fold';
import { appendRegistryEvent, modelLogPath, readRegistryLog, type RegistryEvent, type VersionEvent } from '../../../../src/core/registry/log';
import { parseModelRef } from '../../../../src/core/registry/names';
import { generatedSampleInput, parseSampleInput } from '../../../../src/core/registry/signature';
import { toHalf } from '../../../../src/shared/half';
import { makeTempDir } from '../../../helpers/tmp';

const obj = (c: string) => c.repeat(64);
function version(id: string, object: string, ts = 1_700_000_000_000): VersionEvent {
  return {
    v: 1,
    ts,
    type: 'version',
    id,
    sha256: object,
    size_bytes: 10,
    format: 'onnx',
    object,
    files: [],
    source: 'x.onnx',
    run_id: null,
    signature: { inputs: [], outputs: [] },
    validation: { status: 'ok', message: 'ok', latency_ms: 1, input: 'generated' },
    metadata: { ir_version: 8, producer_name: '', producer_version: '', domain: '', model_version: null, doc_string: '', opsets: [], metadata_props: {} },
    sample_input: null,
  };
}
const ev = (e: Record<string, unknown>) => ({ v: 1, ts: 1, ...e }) as unknown as RegistryEvent;

describe('registry log fold', () => {
  it('numbers versions by line order and treats repeated bytes as a duplicate', () => {
    const m = foldModelLog('m', [version('a', obj('1')), version('b', obj('2')), version('c', obj('1')), version('d', obj('3'))]);
    assert.deepEqual(
      m.versions.map((v) => [v.version, v.object[0]]),
      [
        [1, '1'],
        [2, '2'],
        [3, '3'],
      ],
    );
    assert.deepEqual(m.byEventId.get('c'), { version: 1, duplicate: true });
    assert.deepEqual(m.byEventId.get('d'), { version: 3, duplicate: false });
  });

  it('moves an alias, drops aliases of a deleted version, and ignores edits of unknown versions', () => {
    const m = foldModelLog('m', [
      version('a', obj('1')),
      version('b', obj('2')),
      ev({ type: 'alias', alias: 'champion', version: 1 }),
      ev({ type: 'alias', alias: 'staging', version: 2 }),
      ev({ type: 'alias', alias: 'champion', version: 2 }),
      ev({ type: 'tags', version: 1, set: { a: '1', b: '2' }, remove: [] }),
      ev({ type: 'tags', version: 1, set: {}, remove: ['a'] }),
      ev({ type: 'tags', version: 9, set: { x: 'y' }, remove: [] }),
      ev({ type: 'description', version: 2, description: 'better' }),
      ev({ type: 'delete', version: 2 }),
      ev({ type: 'alias', alias: 'ghost', version: 2 }),
      ev({ type: 'some_future_event', version: 1 }),
    ]);
    assert.deepEqual(m.aliases, {});
    assert.deepEqual(m.versions[0]!.tags, { b: '2' });
    assert.equal(m.versions[1]!.deleted, true);
    assert.equal(m.versions[1]!.description, 'better');
    assert.deepEqual(
      m.versions.map((v) => v.aliases),
      [[], []],
    );
    const restored = foldModelLog('m', [
      version('a', obj('1')),
      version('b', obj('2')),
      ev({ type: 'alias', alias: 'champion', version: 2 }),
      ev({ type: 'alias', alias: 'staging', version: 1 }),
    ]);
    assert.deepEqual(restored.aliases, { champion: 2, staging: 1 });
    assert.deepEqual(restored.versions[1]!.aliases, ['champion']);
  });

  it('keeps a deployment per id (the deploy work fills these)', () => {
    const d = { id: 'd1', target: 'local', status: 'running', url: 'http://127.0.0.1:1', created_at: 'now' };
    const m = foldModelLog('m', [
      version('a', obj('1')),
      ev({ type: 'deployment', version: 1, deployment: d }),
      ev({ type: 'deployment', version: 1, deployment: { ...d, status: 'stopped' } }),
    ]);
    assert.deepEqual(m.versions[0]!.deployments, [{ ...d, status: 'stopped' }]);
  });
});

describe('registry log file', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('leaves a torn last line for later and reports corrupt or newer lines without guessing', () => {
    appendRegistryEvent(tmp.dir, 'm', { type: 'alias', alias: 'a', version: 1 });
    const file = modelLogPath(tmp.dir, 'm');
    fs.appendFileSync(file, '{not json}\n{"v":2,"ts":1,"type":"alias","alias":"b","version":1}\n{"v":1,"type":"alias","alias":"c","ver');
    const r = readRegistryLog(file);
    assert.equal(r.events.length, 1);
    assert.deepEqual(
      r.problems.map((p) => p.line),
      [2, 3],
    );
    assert.match(r.problems[1]!.message, /newer ML Workbench/);
    assert.equal(path.basename(path.dirname(file)), 'm');
  });
});

describe('model references and sample inputs', () => {
  it('parses name, name:version and name@alias, and refuses bad parts', () => {
    assert.deepEqual(parseModelRef('iris'), { name: 'iris', kind: 'latest' });
    assert.deepEqual(parseModelRef('iris:3'), { name: 'iris', kind: 'version', version: 3 });
    assert.deepEqual(parseModelRef('iris@champion'), { name: 'iris', kind: 'alias', alias: 'champion' });
    for (const bad of ['', '../x', 'iris:0', 'iris:x', 'iris@3', 'a/b', 'iris@']) assert.throws(() => parseModelRef(bad), /Invalid/, bad);
  });

  it('generates inputs for dynamic axes and checks a sample against the signature', () => {
    const inputs = [
      { name: 'x', datatype: 'FP32' as const, shape: [-1, 3] },
      { name: 's', datatype: 'BYTES' as const, shape: [2] },
    ];
    assert.deepEqual(
      generatedSampleInput(inputs).map((t) => [t.shape, t.data.length]),
      [
        [[1, 3], 3],
        [[2], 2],
      ],
    );
    const ok = parseSampleInput(
      {
        inputs: [
          {
            name: 'x',
            shape: [2, 3],
            data: [
              [1, 2, 3],
              [4, 5, 6],
            ],
          },
          { name: 's', shape: [2], data: ['a', 'b'] },
        ],
      },
      inputs,
    );
    assert.deepEqual(ok[0]!.data, [1, 2, 3, 4, 5, 6]);
    assert.throws(() => parseSampleInput({ inputs: [{ name: 'x', shape: [2, 4], data: [] }] }, inputs), /expects \[-1, 3\]/);
    assert.throws(
      () =>
        parseSampleInput(
          {
            inputs: [
              { name: 'x', shape: [1, 3], data: [1, 2] },
              { name: 's', shape: [2], data: ['a', 'b'] },
            ],
          },
          inputs,
        ),
      /needs 3 values/,
    );
    assert.throws(() => parseSampleInput({ inputs: [] }, inputs), /no tensor for the model's input "x"/);
  });

  it('encodes FP16 bits like IEEE 754 binary16', () => {
    assert.deepEqual([1, -2, 0.5, 65504, 1e9, 5.960464477539063e-8, 0].map(toHalf), [0x3c00, 0xc000, 0x3800, 0x7bff, 0x7c00, 0x0001, 0]);
  });
});
