import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { Buckets, MetricPoint } from '../../../../src/core/monitor/metricPoint';
import { thin } from '../../../../src/core/monitor/history';
import { type WindowName, bucketQuantile, windowSeries, windowStats } from '../../../../src/core/monitor/windowStats';

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

  it('right after a deploy, counts from the server start, warm-up included, and charts that as its first interval', () => {
    // The server's real latency buckets (src/server/metrics.ts), and its life so far: started 3 s
    // before monitoring's first scrape, 10 warm-up requests at ~35 ms, then 200 at ~2 ms per 5 s.
    const le = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, null];
    const t0 = 1_000_000;
    const at = (t: number, warm: number, fast: number, started?: number): MetricPoint => {
      const counts = le.map((b) => (b === null || b >= 0.0025 ? fast : 0) + (b === null || b >= 0.05 ? warm : 0));
      const h: Buckets = { le, counts, sum: warm * 0.035 + fast * 0.002, count: warm + fast };
      const n = warm + fast;
      return {
        t,
        requests: n,
        errors: 0,
        latency: h,
        batch: { le: [1, null], counts: [n, n], sum: n, count: n },
        inFlight: 0,
        ...(started ? { started } : {}),
      };
    };
    const history = (started?: number) => [at(t0, 10, 0, started), at(t0 + 5000, 10, 200, started), at(t0 + 10_000, 10, 400, started)];
    const now = t0 + 10_000;

    const pts = history(t0 - 3000);
    const s = windowStats(pts, '5m', now);
    const series = windowSeries(pts, '5m', now);
    assert.equal(s.span, 'server_start');
    assert.equal(s.from, new Date(t0 - 3000).toISOString());
    assert.equal(s.to, new Date(now).toISOString());
    assert.equal(s.requests, 410);
    assert.equal(s.requests_per_s, 410 / 13);
    // The card's p99 is the warm-up's (10 of 410 requests is over 1%), and so is the chart's first
    // point: the interval from the server's start to the first scrape. Then ~2 ms.
    assert.deepEqual(
      series.map((p) => p.t),
      [t0, t0 + 5000, t0 + 10_000],
    );
    assert.ok(s.latency_ms.p99! > 25 && series[0]!.p99_ms! >= s.latency_ms.p99!, `card ${s.latency_ms.p99} ms, chart ${series[0]!.p99_ms} ms`);
    assert.ok(series[1]!.p99_ms! <= 2.5 && series[2]!.p99_ms! <= 2.5);

    // A server whose start is unknown (or before the window): from monitoring's first scrape, in
    // the card and the chart alike; the warm-up has no time, so neither shows it.
    for (const unknownStart of [history(), history(now - 6 * 60_000)]) {
      const m = windowStats(unknownStart, '5m', now);
      assert.equal(m.span, 'monitoring');
      assert.equal(m.from, new Date(t0).toISOString());
      assert.equal(m.requests, 400);
      assert.equal(m.requests_per_s, 40);
      assert.ok(m.latency_ms.p99! <= 2.5, `p99 ${m.latency_ms.p99} ms`);
      assert.deepEqual(
        windowSeries(unknownStart, '5m', now).map((p) => p.p99_ms),
        [m.latency_ms.p99, m.latency_ms.p99],
      );
    }
    // Once the first scrape is older than the window it is the baseline: the whole window.
    const later = windowStats(pts, '5m', t0 + 5 * 60_000 + 1);
    assert.equal(later.span, 'window');
    assert.equal(later.requests, 400);
  });

  it('with a single scrape, charts the server start when the window holds it, else gives its lifetime totals and says so', () => {
    const one = (started?: number): MetricPoint => ({ ...point(60_000, 40, 4, [40, 40, 40, 40]), ...(started ? { started } : {}) });
    const s = windowStats([one(50_000)], '1h', 61_000);
    assert.deepEqual([s.span, s.requests, s.requests_per_s, s.from], ['server_start', 40, 4, new Date(50_000).toISOString()]);
    assert.equal(windowSeries([one(50_000)], '1h', 61_000).length, 1);
    // No start, or one before the window: the server's totals, no rate, nothing to chart.
    for (const started of [undefined, 5_000]) {
      const l = windowStats([one(started)], '5m', 330_000);
      // `from` null: the totals reach back to a start before the window ("since the server started").
      assert.deepEqual([l.span, l.requests, l.error_rate, l.requests_per_s, l.from, l.to], ['lifetime', 40, 0.1, 0, null, new Date(60_000).toISOString()]);
      assert.deepEqual(windowSeries([one(started)], '5m', 330_000), []);
    }
    // Two scrapes without a baseline or a known start: the one interval between them.
    const two = windowStats([point(1000, 40, 4, [40, 40, 40, 40]), point(11_000, 60, 4, [60, 60, 60, 60])], '1h', 12_000);
    assert.deepEqual([two.span, two.requests, two.errors, two.requests_per_s], ['monitoring', 20, 0, 2]);
    // Monitoring stopped over an hour ago: no scrape inside the window, nothing to count.
    const late = 60_000 + 2 * 3_600_000;
    const none = windowStats([one(50_000)], '1h', late);
    assert.deepEqual(
      [none.span, none.requests, none.from, none.to, none.latency_ms.p99],
      ['none', 0, new Date(late - 3_600_000).toISOString(), new Date(late).toISOString(), null],
    );
  });

  it('describes exactly the intervals its chart draws, whatever the history (warm-up, restarts, a baseline or none, a known start or not)', () => {
    const N = LE.length;
    const history = fc.record({
      warmup: fc.array(fc.integer({ min: 0, max: N - 1 }), { maxLength: 20 }),
      intervals: fc.array(
        fc.record({
          dt: fc.integer({ min: 1000, max: 240_000 }),
          requests: fc.array(fc.record({ bucket: fc.integer({ min: 0, max: N - 1 }), error: fc.boolean() }), { maxLength: 20 }),
          restart: fc.boolean(),
        }),
        { maxLength: 12 },
      ),
      window: fc.constantFrom<WindowName>('5m', '1h'),
      lateBy: fc.integer({ min: 0, max: 400_000 }),
      // When the server started, before the first scrape (inside the window or not), or unknown.
      startedBefore: fc.option(fc.integer({ min: 1, max: 4_000_000 })),
    });
    fc.assert(
      fc.property(history, (h) => {
        // A server's cumulative counters as scraped: the warm-up before the first scrape, then each interval's requests.
        const cum = { requests: 0, errors: 0, counts: new Array<number>(N).fill(0) };
        const add = (bucket: number, error: boolean) => {
          cum.requests++;
          if (error) cum.errors++;
          for (let i = bucket; i < N; i++) cum.counts[i]!++;
        };
        let t = 0;
        const started = h.startedBefore === null ? {} : { started: -h.startedBefore };
        const scrape = (): MetricPoint => ({ ...point(t, cum.requests, cum.errors, [...cum.counts]), ...started });
        for (const b of h.warmup) add(b, false);
        const pts = [scrape()];
        for (const iv of h.intervals) {
          // A restart shows as counters going down (as for Prometheus, one that climbs past its old value unseen cannot be told apart).
          if (iv.restart && iv.requests.length < cum.requests) Object.assign(cum, { requests: 0, errors: 0, counts: new Array<number>(N).fill(0) });
          for (const r of iv.requests) add(r.bucket, r.error);
          t += iv.dt;
          pts.push(scrape());
        }
        const now = t + h.lateBy;
        const s = windowStats(pts, h.window, now);
        const series = windowSeries(pts, h.window, now);
        assert.equal(series.length > 0, s.span === 'window' || s.span === 'server_start' || s.span === 'monitoring');
        if (!series.length) return;
        // The cards' count is the sum of the chart's rates over its intervals, which start at `from`.
        let prev = Date.parse(s.from!);
        let charted = 0;
        for (const p of series) {
          charted += (p.requests_per_s * (p.t - prev)) / 1000;
          prev = p.t;
        }
        assert.ok(Math.abs(charted - s.requests) < 1e-6, `cards ${s.requests} vs chart ${charted}`);
        assert.equal(Date.parse(s.to!), series[series.length - 1]!.t);
        // The p99 of all the intervals together lies within the chart's p99 line.
        const p99s = series.map((p) => p.p99_ms).filter((v): v is number => v !== null);
        if (p99s.length) assert.ok(s.latency_ms.p99! >= Math.min(...p99s) && s.latency_ms.p99! <= Math.max(...p99s), `${s.latency_ms.p99} vs ${p99s}`);
        else assert.equal(s.latency_ms.p99, null);
      }),
      { numRuns: 300 },
    );
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
