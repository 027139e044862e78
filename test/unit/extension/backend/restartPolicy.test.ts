import { strict as assert } from 'node:assert';
import { RestartPolicy } from '../../../../src/extension/backend/restartPolicy';

describe('backend restart policy', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000, maxConsecutiveFailures: 3, healthyAfterMs: 10_000 };

  it('backs off exponentially up to the cap, then gives up', () => {
    const p = new RestartPolicy({ ...options, maxConsecutiveFailures: 6 });
    const delays = [1, 2, 3, 4, 5, 6].map(() => p.onCrash(10));
    assert.deepEqual(
      delays.map((d) => (d.action === 'restart' ? d.delayMs : -1)),
      [100, 200, 400, 800, 1000, 1000],
    );
    assert.deepEqual(p.onCrash(10), { action: 'give-up', failures: 6 });
  });

  it('forgives crashes after the process stayed up long enough', () => {
    const p = new RestartPolicy(options);
    p.onCrash(10);
    p.onCrash(10);
    p.onCrash(10);
    assert.deepEqual(p.onCrash(20_000), { action: 'restart', delayMs: 100, attempt: 1 });
  });

  it('starts afresh after a manual restart', () => {
    const p = new RestartPolicy(options);
    for (let i = 0; i < 4; i++) p.onCrash(10);
    p.reset();
    assert.equal(p.onCrash(10).action, 'restart');
  });
});
