import { strict as assert } from 'node:assert';
import * as client from 'prom-client';
import { pointFromSamples } from '../../../../src/core/monitor/metricPoint';
import { parsePrometheusText } from '../../../../src/core/monitor/promText';

describe('monitor: Prometheus text parsing', () => {
  it('keeps labels, +Inf buckets, _sum and _count of prom-client histograms (le first)', async () => {
    const reg = new client.Registry();
    const h = new client.Histogram({
      name: 'mlwb_inference_request_duration_seconds',
      help: 'x',
      labelNames: ['model', 'version'],
      buckets: [0.01, 0.1],
      registers: [reg],
    });
    const c = new client.Counter({ name: 'mlwb_inference_requests_total', help: 'x', labelNames: ['model', 'version', 'status'], registers: [reg] });
    h.observe({ model: 'm', version: '1' }, 0.005);
    h.observe({ model: 'm', version: '1' }, 0.05);
    h.observe({ model: 'm', version: '1' }, 5);
    h.observe({ model: 'other', version: '1' }, 0.005);
    c.inc({ model: 'm', version: '1', status: '200' }, 7);
    c.inc({ model: 'm', version: '1', status: '400' }, 2);
    c.inc({ model: 'm', version: '1', status: '503' }, 1);
    const samples = parsePrometheusText(await reg.metrics());
    const p = pointFromSamples(samples, 1000, 'm', '1');
    assert.equal(p.requests, 10);
    assert.equal(p.errors, 3);
    assert.deepEqual(p.latency.le, [0.01, 0.1, null]);
    assert.deepEqual(p.latency.counts, [1, 2, 3]);
    assert.equal(p.latency.count, 3);
    assert.ok(Math.abs(p.latency.sum - 5.055) < 1e-9);
    assert.equal(p.started, undefined);
    // The model server's process metrics (same prefix) say when it started: windows count from there.
    client.collectDefaultMetrics({ register: reg, prefix: 'mlwb_server_' });
    const started = pointFromSamples(parsePrometheusText(await reg.metrics()), 1000, 'm', '1').started!;
    const processStart = Date.now() - process.uptime() * 1000;
    assert.ok(started <= processStart + 1 && started > processStart - 1000, `started ${new Date(started).toISOString()}`);
    // The metric is rounded to a second: the earliest it can have been, so a server scraped within
    // that half second still started before its first scrape.
    assert.equal(pointFromSamples(parsePrometheusText('mlwb_server_process_start_time_seconds 1700000000\n'), 0, 'm').started, 1_699_999_999_500);
  });

  it('reads escaped label values, NaN/Inf values and timestamps, and skips lines that do not parse', () => {
    const s = parsePrometheusText('# HELP x y\nx{a="q\\"uote",b="new\\nline"} +Inf 1700000000\ny NaN\nnot a sample line {\nz{a="unterminated} 1\nw 2\n');
    assert.deepEqual(
      s.map((x) => [x.name, x.labels, x.value]),
      [
        ['x', { a: 'q"uote', b: 'new\nline' }, Infinity],
        ['y', {}, NaN],
        ['w', {}, 2],
      ],
    );
  });
});
