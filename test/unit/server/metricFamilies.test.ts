import { strict as assert } from 'node:assert';
import * as client from 'prom-client';
import { CounterFamily, GaugeFamily, HistogramFamily } from '../../../src/server/metricFamilies';

// Differential: the server's own series must expose exactly what prom-client's Counter, Gauge and
// Histogram expose for the same observations, so dashboards and Prometheus see no difference.
describe('model server metric families', () => {
  const bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  // Bounds themselves (le is inclusive), values between, below the first and above the last.
  const values = [0, 0.0005, 0.0007, 0.001, 0.003, 0.01, 0.0100001, 0.2, 1, 2.5, 29.9, 30, 31, 1e6, 0.05, 0.05];
  const series = [
    { model: 'iris', version: '1' },
    { model: 'a "quoted" \\ name\nx', version: '10' },
  ];

  it('writes the same Prometheus text as prom-client for the same observations', async () => {
    const ours = new client.Registry();
    const theirs = new client.Registry();
    const h1 = new HistogramFamily('t_seconds', 'help text', bounds).register(ours);
    const h2 = new client.Histogram({ name: 't_seconds', help: 'help text', labelNames: ['model', 'version'], buckets: bounds, registers: [theirs] });
    const c1 = new CounterFamily('t_total', 'counted').register(ours);
    const c2 = new client.Counter({ name: 't_total', help: 'counted', labelNames: ['model', 'version', 'status'], registers: [theirs] });
    const g1 = new GaugeFamily('t_in_flight', 'gauge').register(ours);
    const g2 = new client.Gauge({ name: 't_in_flight', help: 'gauge', labelNames: ['model', 'version'], registers: [theirs] });
    series.forEach((l, k) => {
      const h = h1.labels(l);
      for (const v of values.slice(k)) {
        h.observe(v);
        h2.observe(l, v);
      }
      for (const status of ['200', '400']) {
        const c = c1.labels({ ...l, status });
        for (let i = 0; i < 3 + k; i++) {
          c.value++;
          c2.inc({ ...l, status });
        }
      }
      const g = g1.labels(l);
      g.value += 5 - k;
      g.value--;
      g2.inc(l, 5 - k);
      g2.dec(l);
    });
    assert.equal(await ours.metrics(), await theirs.metrics());
  });

  it('keeps one series per label set', () => {
    const f = new CounterFamily('x_total', 'x');
    assert.equal(f.labels({ a: '1' }), f.labels({ a: '1' }));
    assert.notEqual(f.labels({ a: '1' }), f.labels({ a: '2' }));
  });
});
