import { strict as assert } from 'node:assert';
import { MlwbError } from '../../../src/core/errors';
import { ERROR_CODES, errorCodeOf, errorMessage, isErrorCode } from '../../../src/shared/errors';

describe('error codes', () => {
  it('keeps a core error its code, and calls anything else INTERNAL', () => {
    assert.equal(errorCodeOf(new MlwbError('stopped', 'CANCELLED')), 'CANCELLED');
    assert.equal(errorCodeOf(new MlwbError('no such run', 'NOT_FOUND')), 'NOT_FOUND');
    assert.equal(errorCodeOf(new Error('boom')), 'INTERNAL');
    assert.equal(errorCodeOf(Object.assign(new Error('gone'), { code: 'ENOENT' })), 'INTERNAL', 'an errno code is not one of ours');
    assert.equal(errorCodeOf({ code: 'NOT_FOUND' }), 'INTERNAL', 'only errors carry a code');
    assert.equal(errorCodeOf(undefined), 'INTERNAL');
  });

  it('lists cancellation as its own code, distinct from a bad argument', () => {
    assert.ok(isErrorCode('CANCELLED'));
    assert.ok(ERROR_CODES.includes('CANCELLED') && ERROR_CODES.includes('INVALID_ARGUMENT'));
    assert.equal(isErrorCode('cancelled'), false);
    assert.equal(isErrorCode(undefined), false);
  });

  it('gives the message of anything thrown', () => {
    assert.equal(errorMessage(new Error('x')), 'x');
    assert.equal(errorMessage('plain'), 'plain');
  });
});
