import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseProjectConfig } from '../../../../src/core/config/projectConfig';
import { monitoringConfig, thresholdsFor, validateThresholds, writePanelThresholds } from '../../../../src/core/monitor/alertConfig';
import { type AlertState, evaluate, measures } from '../../../../src/core/monitor/alerts';
import type { WindowStats } from '../../../../src/core/monitor/windowStats';
import { makeTempDir } from '../../../helpers/tmp';

describe('monitor: alert thresholds and evaluation', () => {
  it('reads monitoring: from mlwb.yaml and names the line of a bad value or key', () => {
    const ok = monitoringConfig(parseProjectConfig('targets: {}\nmonitoring:\n  alerts:\n    p99_ms: 250\n  models:\n    iris: { drift_score: 0.2 }\n'));
    assert.deepEqual(ok, { alerts: { p99_ms: 250 }, models: { iris: { drift_score: 0.2 } }, deployments: {} });
    assert.throws(
      () => monitoringConfig(parseProjectConfig('monitoring:\n  alerts:\n    p99_ms: 250\n    error_rate: 2\n')),
      /mlwb\.yaml:4: monitoring\.alerts\.error_rate must be a number in \[0, 1\]/,
    );
    assert.throws(() => monitoringConfig(parseProjectConfig('monitoring:\n  alerts:\n    p95_ms: 1\n')), /mlwb\.yaml:3: .*unknown key "p95_ms"/);
    assert.throws(() => monitoringConfig(parseProjectConfig('monitoring:\n  alert:\n    p99_ms: 1\n')), /mlwb\.yaml:2: monitoring: unknown key "alert"/);
    assert.throws(() => monitoringConfig(parseProjectConfig('monitoring: 3\n')), /mlwb\.yaml:1: monitoring must be a mapping/);
    assert.deepEqual(monitoringConfig(parseProjectConfig('targets: {}\n')), { alerts: {}, models: {}, deployments: {} });
  });

  it('layers mlwb.yaml alerts < models < deployments < the panel', () => {
    const tmp = makeTempDir();
    try {
      fs.writeFileSync(
        path.join(tmp.dir, 'mlwb.yaml'),
        'monitoring:\n  alerts: { p99_ms: 500, error_rate: 0.1, drift_score: 0.5 }\n  models:\n    iris: { p99_ms: 300, drift_score: 0.4 }\n  deployments:\n    iris-1: { p99_ms: 200 }\n',
      );
      const root = path.join(tmp.dir, '.mlwb');
      assert.deepEqual(thresholdsFor(root, tmp.dir, { id: 'iris-1', model: 'iris' }), { p99_ms: 200, error_rate: 0.1, drift_score: 0.4 });
      writePanelThresholds(root, 'iris-1', { drift_score: 0.25 });
      assert.deepEqual(thresholdsFor(root, tmp.dir, { id: 'iris-1', model: 'iris' }), { p99_ms: 200, error_rate: 0.1, drift_score: 0.25 });
      assert.deepEqual(thresholdsFor(root, tmp.dir, { id: 'other', model: 'x' }), { p99_ms: 500, error_rate: 0.1, drift_score: 0.5 });
      assert.throws(() => validateThresholds({ p99_ms: -1 }), /p99_ms must be a number/);
    } finally {
      tmp.cleanup();
    }
  });

  it('fires once when a measure crosses, resolves when it is back under, and keeps the history', () => {
    const t = { p99_ms: 100, drift_score: 0.3 };
    let s: AlertState = { active: {}, history: [] };
    const a = evaluate(
      s,
      t,
      [
        { kind: 'p99_ms', value: 150 },
        { kind: 'drift_score', value: 0.1, feature: 'x' },
      ],
      1000,
    );
    assert.deepEqual(
      a.events.map((e) => [e.kind, e.state]),
      [['p99_ms', 'fired']],
    );
    assert.match(a.events[0]!.message, /p99 latency 150\.0 ms is above 100 ms/);
    s = a.state;
    assert.deepEqual(evaluate(s, t, [{ kind: 'p99_ms', value: 180 }], 2000).events, []);
    const c = evaluate(s, t, [{ kind: 'p99_ms', value: 50 }], 3000);
    assert.deepEqual(
      c.events.map((e) => [e.kind, e.state]),
      [['p99_ms', 'resolved']],
    );
    assert.deepEqual(c.state.active, {});
    assert.equal(c.state.history.length, 2);
    // No threshold: no alert, whatever the value.
    assert.deepEqual(evaluate({ active: {}, history: [] }, {}, [{ kind: 'error_rate', value: 1 }]).events, []);
  });

  it('judges latency and errors over the window only, never a lifetime total from a single scrape', () => {
    const stats = (span: WindowStats['span']): WindowStats => ({
      window: '5m',
      span,
      from: null,
      to: null,
      requests: 10,
      errors: 1,
      error_rate: 0.1,
      requests_per_s: 0,
      latency_ms: { p50: 30, p95: 35, p99: 35 },
      batch_size_mean: 1,
      in_flight: 0,
    });
    // One scrape of a server older than the window: its lifetime totals are not the window's.
    assert.deepEqual(measures(stats('lifetime'), undefined), []);
    for (const span of ['server_start', 'monitoring'] as const)
      assert.deepEqual(
        measures(stats(span), undefined).map((m) => m.kind),
        ['p99_ms', 'error_rate'],
      );
    assert.deepEqual(
      measures(stats('window'), undefined).map((m) => [m.kind, m.value]),
      [
        ['p99_ms', 35],
        ['error_rate', 0.1],
      ],
    );
  });
});
