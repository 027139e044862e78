import { strict as assert } from 'node:assert';
import type { DeploymentRecord } from '../../../../src/protocol/deployments';
import { deploymentDescription, deploymentLabel, deploymentTooltip } from '../../../../src/extension/deployments/format';

const base: DeploymentRecord = {
  id: 'iris-3-abc123',
  model: 'iris',
  version: 3,
  target: 'local',
  status: 'healthy',
  url: 'http://127.0.0.1:8081',
  created_at: '2026-11-26T10:00:00.000Z',
  updated_at: '2026-11-26T10:00:00.000Z',
};
const now = Date.parse('2026-11-26T10:05:00.000Z');

describe('Deployments view text', () => {
  it('labels model@version · target, with URL and uptime when healthy', () => {
    assert.equal(deploymentLabel(base), 'iris@v3 · local');
    assert.match(deploymentDescription(base, now), /^http:\/\/127\.0\.0\.1:8081 · up 5m 00s$/);
  });

  it('shows the reason of a failure in the description and the tooltip', () => {
    const failed: DeploymentRecord = { ...base, status: 'failed', url: null, reason: 'Port 8081 on 127.0.0.1 is in use by another program' };
    assert.equal(deploymentDescription(failed, now), 'failed: Port 8081 on 127.0.0.1 is in use by another program');
    assert.match(deploymentTooltip(failed, now, 'en-US'), /Reason: Port 8081/);
    assert.doesNotMatch(deploymentTooltip(failed, now, 'en-US'), /URL:/);
  });

  it('mentions the version Roll Back returns to', () => {
    assert.match(deploymentTooltip({ ...base, previous_version: 2 }, now, 'en-US'), /previous version: 2/);
  });
});
