import { strict as assert } from 'node:assert';
import { deploymentIdOf } from '../../../../src/extension/monitor/args';

describe('mlwb.openMonitor arguments', () => {
  it('takes a deployment id, a {deploymentId}/{id} object, or a tree item carrying its record', () => {
    assert.equal(deploymentIdOf('iris-3-k4f9'), 'iris-3-k4f9');
    assert.equal(deploymentIdOf({ deploymentId: 'a' }), 'a');
    assert.equal(deploymentIdOf({ id: 'b', label: 'x' }), 'b');
    assert.equal(deploymentIdOf({ kind: 'deployment', deployment: { id: 'c', model: 'm' } }), 'c');
    assert.equal(deploymentIdOf(undefined), undefined);
    assert.equal(deploymentIdOf(''), undefined);
    assert.equal(deploymentIdOf({ label: 'no id' }), undefined);
  });
});
