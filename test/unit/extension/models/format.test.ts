import { strict as assert } from 'node:assert';
import type { ModelVersion } from '../../../src/core/registry/model';
import { compareMarkdown, versionDescription } from '../../../src/extension/models/format';
import { lineageSteps, opsetText, shapeText } from '../../../webview/modelDetails/view';

function version(n: number, extra: Partial<ModelVersion> = {}): ModelVersion {
  return {
    name: 'iris', version: n, aliases: [], tags: {}, description: '', created_at: '2026-11-26T00:00:00.000Z', run_id: null, source: 'x.onnx',
    sha256: 'ab'.repeat(32), size_bytes: 2048, format: 'onnx',
    signature: { inputs: [{ name: 'X', datatype: 'FP32', shape: [-1, 4] }], outputs: [{ name: 'label', datatype: 'INT64', shape: [-1] }] },
    validation: { status: 'ok', message: 'ok', latency_ms: 1.5, input: 'generated' },
    metadata: { ir_version: 8, producer_name: 'skl2onnx', producer_version: '1', domain: '', model_version: null, doc_string: '', opsets: [{ domain: '', version: 17 }, { domain: 'ai.onnx', version: 17 }, { domain: 'ai.onnx.ml', version: 1 }], metadata_props: {} },
    files: [], object: 'ab'.repeat(32), sample_input: null, deleted: false, deployments: [], ...extra,
  };
}

describe('model views (text)', () => {
  it('describes a version in the tree and compares versions side by side', () => {
    assert.equal(versionDescription(version(1, { aliases: ['champion'] })), '@champion · 2.0 KB · 1.5 ms');
    const md = compareMarkdown([
      { version: version(1), metrics: { acc: 0.9 } },
      { version: version(2, { signature: { inputs: [{ name: 'X', datatype: 'FP64', shape: [-1, 4] }], outputs: [] } }), metrics: { acc: 0.95, loss: 0.1 } },
    ]);
    assert.match(md, /\| in `X` \| FP32 \[-1, 4\] \| FP64 \[-1, 4\] \|/);
    assert.match(md, /\| out `label` \| INT64 \[-1\] \| — \|/);
    assert.match(md, /\| metric acc \| 0.9 \| 0.95 \|/);
    assert.match(md, /\| metric loss \| — \| 0.1 \|/);
  });

  it('draws the lineage chain data → run → version → deployments', () => {
    const run = { id: 'r'.repeat(20), name: 'logreg', experiment: 'iris', params: {}, metrics: {}, inputs: [{ dataset: 'data/train.csv', snapshot: 's'.repeat(20) }] };
    const d = { id: 'dep-1', target: 'local', status: 'running', url: null, created_at: 'now' };
    assert.deepEqual(lineageSteps(version(3, { aliases: ['champion'], deployments: [d] }), run).map((s) => `${s.kind}:${s.label}`), [
      'data:data/train.csv', 'run:logreg', 'version:iris:3', 'deployment:dep-1',
    ]);
    assert.deepEqual(lineageSteps(version(1), null).map((s) => s.label), ['no run', 'iris:1', 'not deployed']);
    assert.equal(shapeText(version(1).signature.inputs[0]!), '[? × 4]');
    assert.equal(opsetText(version(1)), 'ai.onnx 17, ai.onnx.ml 1');
  });
});
