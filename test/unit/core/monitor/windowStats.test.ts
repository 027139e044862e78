import { strict as assert } from 'node:assert';
import type { Buckets, MetricPoint } from '../../../../src/core/monitor/metricPoint';
import { thin } from '../../../../src/core/monitor/history';
import { bucketQuantile, windowSeries, windowStats } from '../../../../src/core/monitor/windowStats';

const LE = [0.01, 0.1, 1, null];
function point(t: number, requests: number, errors: number, counts: number[]): MetricPoint {
  const b: Buckets = { le: LE, counts, sum: 0, count: counts[counts.length - 1]! };
  return { t, requests, errors, latency: b, batch: { le: [1, 2, null], counts: [requests, requests, requests], sum: requests, count: requests }, inFlight: 1 };
}

describe('monitor: window stats from cumulative scrapes', () => {
  it('interpolates quantiles inside a bucket like histogram_quantile', () => {
    const h: Buckets = { le: LE, counts: [50, 90, 100, 100], sum: 0, count: 100 };
    assert.equal(bucketQuantile(0.5, h), 0.01);
    assert.ok(Math.abs(bucketQuantile(0.7, h)! - (0.01 + 0.09 * 0.5)) < 1e-12);
    assert.ok(Math.abs(bucketQuantile(0.99, h)! - (0.1 + 0.9 * 0.9)) < 1e-12);
    // Past the last finite bound: the highest finite bound, as Prometheus answers.
    assert.equal(bucketQuantile(0.99, { le: LE, counts: [0, 0, 0, 10], sum: 0, count: 10 }), 1);
    assert.equal(bucketQuantile(0.5, { le: LE, counts: [0, 0, 0, 0], sum: 0, count: 0 }), null);
  });

  it('counts increases inside the window from the last scrape before it, across a server restart', () => {
    const now = 10 * 60_000;
    const pts = [
      point(now - 7 * 60_000, 1000, 10, [1000, 1000, 1000, 1000]), // before the 5 min window: the baseline
      point(now - 4 * 60_000, 1100, 12, [1090, 1100, 1100, 1100]),
      point(now - 2 * 60_000, 20, 20, [0, 0, 20, 20]), // restarted: counters start again
      point(now, 50, 20, [0, 10, 50, 50]),
    ];
    const s = windowStats(pts, '5m', now);
    assert.equal(s.requests, 100 + 20 + 30);
    assert.equal(s.errors, 2 + 20 + 0);
    assert.equal(s.from, new Date(now - 7 * 60_000).toISOString());
    assert.ok(Math.abs(s.requests_per_s - 150 / 420) < 1e-12);
    // 150 observations: 90 ≤ 10 ms, 100 ≤ 100 ms, 150 ≤ 1 s → p50 in the first bucket, p99 in the third.
    assert.ok(s.latency_ms.p50! <= 10);
    assert.ok(s.latency_ms.p99! > 100 && s.latency_ms.p99! <= 1000);
    assert.equal(windowSeries(pts, '5m', now).length, 3);
  });

  it('without an earlier scrape counts from the server start', () => {
    const s = windowStats([point(1000, 40, 4, [40, 40, 40, 40])], '1h', 2000);
    assert.equal(s.requests, 40);
    assert.equal(s.error_rate, 0.1);
    assert.equal(s.from, null);
    // Two scrapes without a baseline: the rate is over the span between them, not since the start.
    const two = windowStats([point(1000, 40, 4, [40, 40, 40, 40]), point(11_000, 60, 4, [60, 60, 60, 60])], '1h', 12_000);
    assert.equal(two.requests, 60);
    assert.equal(two.requests_per_s, 2);
  });

  it('thins history to a bounded size without losing counts', () => {
    const now = 30 * 60 * 60_000;
    const pts: MetricPoint[] = [];
    for (let t = 0; t <= now; t += 5_000) pts.push(point(t, t / 1000, 0, [t / 1000, t / 1000, t / 1000, t / 1000]));
    const kept = thin(pts, now);
    assert.ok(kept.length < 400, `kept ${kept.length}`);
    assert.ok(kept[0]!.t >= now - 25 * 60 * 60_000);
    const full = windowStats(pts, '24h', now);
    const thinned = windowStats(kept, '24h', now);
    assert.ok(Math.abs(full.requests - thinned.requests) <= 600, `${full.requests} vs ${thinned.requests}`);
    assert.equal(windowStats(kept, '5m', now).requests, windowStats(pts, '5m', now).requests);
  });
});
