import { strict as assert } from 'node:assert';
import { entryPointDescription, entryPointTooltip, entryPointUsesText } from '../../../../src/extension/runs/entryPointText';

describe('Entry Points text', () => {
  it('names what the user typed, not the scanner tags', () => {
    assert.equal(entryPointUsesText(['mlwb']), 'logs runs with mlwb');
    assert.equal(entryPointUsesText(['magics', 'mlwb']), 'logs runs with %%mlwb_run');
    assert.equal(entryPointUsesText(['mlflow', 'mlwb']), 'logs runs with mlwb and MLflow');
    assert.equal(entryPointUsesText([]), '');
  });

  it('puts the folder first, then how it logs runs', () => {
    assert.equal(entryPointDescription({ path: 'src/train.py', kind: 'script', uses: ['mlflow'] }), 'src · logs runs with MLflow');
    assert.equal(entryPointDescription({ path: 'explore.ipynb', kind: 'notebook', uses: ['magics', 'mlwb'] }), 'logs runs with %%mlwb_run');
    assert.doesNotMatch(entryPointTooltip({ path: 'explore.ipynb', kind: 'notebook', uses: ['magics', 'mlwb'] }), /magics, mlwb/);
  });
});
