import { strict as assert } from 'node:assert';
import { modelVersion as version } from '../../../helpers/modelVersion';
import { compareMarkdown, versionDescription } from '../../../../src/extension/models/format';

describe('Models view text (src/extension/models/format)', () => {
  it('describes a version in the tree and compares versions side by side', () => {
    assert.equal(versionDescription(version(1, { aliases: ['champion'] })), '@champion · 2.0 KiB · 1.5 ms');
    const md = compareMarkdown([
      { version: version(1), metrics: { acc: 0.9 } },
      { version: version(2, { signature: { inputs: [{ name: 'X', datatype: 'FP64', shape: [-1, 4] }], outputs: [] } }), metrics: { acc: 0.95, loss: 0.1 } },
    ]);
    assert.match(md, /\| in `X` \| FP32 \[-1, 4\] \| FP64 \[-1, 4\] \|/);
    assert.match(md, /\| out `label` \| INT64 \[-1\] \| — \|/);
    assert.match(md, /\| metric acc \| 0.9 \| 0.95 \|/);
    assert.match(md, /\| metric loss \| — \| 0.1 \|/);
  });
});
