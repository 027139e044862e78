import { strict as assert } from 'node:assert';
import { compareCodeOutcome, type CodeSide } from '../../../../src/extension/notebooks/compareCodeOutcome';

const side = (over: Partial<CodeSide>): CodeSide => ({ runName: 'a', fileName: 'train.py', text: 'print(1)\n', available: true, ...over });

describe('Compare Code outcome', () => {
  it('says two runs ran identical code instead of opening an empty diff', () => {
    const o = compareCodeOutcome(side({ runName: 'baseline' }), side({ runName: 'small-lr' }));
    assert.deepEqual(o, { kind: 'message', message: 'baseline and small-lr ran identical code (train.py): there is no difference to show.', openCode: true });
  });

  it('opens the diff when the code differs, titled by the file', () => {
    assert.deepEqual(compareCodeOutcome(side({ runName: 'x' }), side({ runName: 'y', text: 'print(2)\n' })), { kind: 'diff', title: 'train.py (x ↔ y)' });
    assert.equal(compareCodeOutcome(side({}), side({ available: false, text: 'no code recorded' })).kind, 'diff');
  });

  it('says there is nothing to compare when neither run recorded code', () => {
    const o = compareCodeOutcome(side({ available: false, text: '' }), side({ available: false, text: '' }));
    assert.equal(o.kind, 'message');
    assert.match(o.kind === 'message' ? o.message : '', /Neither a nor a recorded its code/);
  });
});
