// Monitoring in the real backend process: once a view asks, it scrapes the running deployment on its
// own, evaluates mlwb.yaml's thresholds and notifies a drift alert (and the firing state the status
// bar shows); the panel's requests set thresholds, answer a report and plan a retrain from lineage.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useBackendWorkspace } from '../helpers/backendWorkspace';
import { type MonitoredDeployment, deployMonitoredModel, sendTraffic } from '../helpers/monitorWorkspace';

describe('backend: monitoring', function () {
  this.timeout(180_000);
  let m: MonitoredDeployment | undefined;
  const ws = useBackendWorkspace({ prefix: 'mlwb-monitor-backend-', once: true, beforeCleanup: () => m?.server.stop() });

  before(async function () {
    m = await deployMonitoredModel(ws.dir);
    if (!m) this.skip();
    fs.writeFileSync(path.join(ws.dir, 'mlwb.yaml'), 'monitoring:\n  alerts:\n    drift_score: 0.3\n');
  });

  it('scrapes, raises the drift alert once, and answers the panel', async () => {
    const backend = await ws.start({ trusted: true, env: { MLWB_MONITOR_INTERVAL_MS: '300' } });
    const list = await backend.request('monitor/deployments', {});
    assert.deepEqual(
      list.map((d) => d.id),
      [m!.deployment.id],
    );
    await sendTraffic(m!, 60, { rows: 5, shift: { 0: 3 } });
    const alert = await backend.waitForNotification('monitor/alert', (p) => p.event.kind === 'drift_score', 30_000);
    assert.equal(alert.deploymentId, m!.deployment.id);
    assert.equal(alert.event.feature, 'f_age');
    assert.equal(alert.event.state, 'fired');
    const updated = await backend.waitForNotification('monitor/updated', (p) => p.firing.length === 1, 10_000);
    assert.match(updated.firing[0]!.messages[0]!, /input drift \(f_age\)/);

    // The alert may come from a scrape taken while traffic was still arriving: wait for one after it.
    let report = await backend.request('monitor/report', { deploymentId: m!.deployment.id, window: '5m' });
    for (const deadline = Date.now() + 10_000; report.stats.requests < 60 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 200));
      report = await backend.request('monitor/report', { deploymentId: m!.deployment.id, window: '5m' });
    }
    assert.equal(report.stats.requests, 60);
    assert.ok(report.series.length >= 1);
    assert.equal(report.drift!.features[0]!.feature, 'f_age');
    assert.equal(report.alerts.history.filter((e) => e.kind === 'drift_score' && e.state === 'fired').length, 1);

    // A threshold set in the panel wins over mlwb.yaml's; a bad one is refused with the field named.
    const saved = await backend.request('monitor/setThresholds', { deploymentId: m!.deployment.id, thresholds: { p99_ms: 5000 } });
    assert.deepEqual(saved, { p99_ms: 5000 });
    await assert.rejects(
      backend.request('monitor/setThresholds', { deploymentId: m!.deployment.id, thresholds: { error_rate: 3 } }),
      /error_rate must be a number/,
    );

    const plan = await backend.request('monitor/retrainPlan', { deploymentId: m!.deployment.id });
    assert.deepEqual(plan, { runId: m!.runId, script: path.join(ws.dir, 'train.py'), dataset: 'data/train.csv', problem: null });
  });
});
