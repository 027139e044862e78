import { strict as assert } from 'node:assert';
import type { MonitorReport } from '../../../../src/protocol/webview/monitor';
import { hasTraffic, parseThresholds, predictionLines, statCards, statsCaption, windowRange } from '../../../../webview/monitor/viewModel';

function report(extra: Partial<MonitorReport> = {}): MonitorReport {
  return {
    deployment: { id: 'd', model: 'm', version: 1, status: 'healthy', url: null },
    window: '5m',
    generated_at: '',
    stats: {
      window: '5m',
      span: 'window',
      from: null,
      to: null,
      requests: 200,
      errors: 5,
      error_rate: 0.025,
      requests_per_s: 3.3333,
      latency_ms: { p50: 1, p95: 2, p99: 12.345 },
      batch_size_mean: null,
      in_flight: 0,
    },
    series: [],
    predictions: {
      output: 'label',
      bins: [
        { t: 0, counts: { a: 3, b: 1 } },
        { t: 1, counts: {} },
      ],
    },
    sampled_requests: 4,
    drift: null,
    drift_problem: null,
    reference: null,
    run_id: null,
    thresholds: {},
    alerts: { active: { p99_ms: { time: '', kind: 'p99_ms', state: 'fired', value: 12, threshold: 10, message: '' } }, history: [] },
    ...extra,
  };
}

describe('monitor webview: view model', () => {
  it('formats the stat cards and flags the measure whose alert fires', () => {
    const cards = Object.fromEntries(statCards(report()).map((c) => [c.id, c]));
    assert.equal(cards['requests']!.value, '200');
    assert.equal(cards['errors']!.value, '2.5%');
    assert.equal(cards['p99']!.value, '12.35 ms');
    assert.equal(cards['batch']!.value, '—');
    assert.equal(cards['p99']!.alert, true);
    assert.equal(cards['errors']!.alert, false);
    assert.equal(hasTraffic(report()), true);
    assert.equal(hasTraffic(report({ stats: { ...report().stats, requests: 0 } })), false);
  });

  it('names over the cards the stretch of time they count, the one the Serving charts show', () => {
    const stats = report().stats;
    assert.equal(statsCaption(report()), 'Last 5 min');
    assert.equal(statsCaption(report({ window: '24h', stats: { ...stats, window: '24h' } })), 'Last 24 h');
    // Monitoring began inside the window: since its first scrape, at that local time, for how long.
    const from = new Date(2026, 10, 26, 14, 3, 5);
    const monitoring = { ...stats, span: 'monitoring' as const, from: from.toISOString(), to: new Date(from.getTime() + 125_000).toISOString() };
    assert.equal(statsCaption(report({ stats: monitoring })), 'Since monitoring began at 14:03:05 (2m 05s)');
    assert.equal(statsCaption(report({ stats: { ...monitoring, span: 'server_start' } })), 'Since the server started at 14:03:05 (2m 05s)');
    assert.equal(statsCaption(report({ stats: { ...stats, span: 'lifetime' } })), 'Since the server started (one scrape so far)');
    assert.equal(statsCaption(report({ stats: { ...stats, span: 'none' } })), 'No scrape in the last 5 min');
    // The cards themselves no longer carry a window of their own ("Requests (5m)") that could disagree.
    assert.equal(statCards(report()).find((c) => c.id === 'requests')!.label, 'Requests');
    // Each card's tooltip says it too.
    assert.equal(statCards(report({ stats: monitoring })).find((c) => c.id === 'p99')!.title, 'p99 latency, since monitoring began at 14:03:05 (2m 05s)');
  });

  it('turns prediction counts into shares per bin, most frequent value first, gaps where nothing was sampled', () => {
    const lines = predictionLines(report());
    assert.deepEqual(
      lines.map((l) => [l.label, l.y]),
      [
        ['label = a', [0.75, null]],
        ['label = b', [0.25, null]],
      ],
    );
  });

  it("spans the charts' time axis over the chosen window, ending when the report was made", () => {
    const at = '2026-11-26T10:00:00.000Z';
    // Plus 2% of the window after it, so the newest point's marker is not clipped at the edge.
    assert.deepEqual(windowRange(report({ window: '1h', generated_at: at })), [Date.parse(at) - 3_600_000, Date.parse(at) + 72_000]);
    assert.deepEqual(windowRange(report({ window: '5m', generated_at: at })), [Date.parse(at) - 300_000, Date.parse(at) + 6_000]);
  });

  it('parses the thresholds form: blanks are no threshold, error rate in percent, bad values named', () => {
    assert.deepEqual(parseThresholds({ p99: '250', errorPct: '5', drift: '' }), { thresholds: { p99_ms: 250, error_rate: 0.05 } });
    assert.match(parseThresholds({ p99: '', errorPct: '', drift: '2' }).error!, /Drift score/);
    assert.match(parseThresholds({ p99: 'x', errorPct: '', drift: '' }).error!, /p99 latency/);
  });
});
