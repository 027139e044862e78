import { strict as assert } from 'node:assert';
import { modelVersion as version } from '../../../helpers/modelVersion';
import { lineageSteps, opsetText, shapeText } from '../../../../webview/modelDetails/view';

describe('model details page text (webview/modelDetails/view)', () => {
  it('draws the lineage chain data → run → version → deployments', () => {
    const run = {
      id: 'r'.repeat(20),
      name: 'logreg',
      experiment: 'iris',
      params: {},
      metrics: {},
      inputs: [{ dataset: 'data/train.csv', snapshot: 's'.repeat(20) }],
    };
    const d = { id: 'dep-1', target: 'local', status: 'running', url: null, created_at: 'now' };
    assert.deepEqual(
      lineageSteps(version(3, { aliases: ['champion'], deployments: [d] }), run).map((s) => `${s.kind}:${s.label}`),
      ['data:data/train.csv', 'run:logreg', 'version:iris:3', 'deployment:dep-1'],
    );
    assert.deepEqual(
      lineageSteps(version(1), null).map((s) => s.label),
      ['no run', 'iris:1', 'not deployed'],
    );
    assert.equal(shapeText(version(1).signature.inputs[0]!), '[? × 4]');
    assert.equal(opsetText(version(1)), 'ai.onnx 17, ai.onnx.ml 1');
  });
});
