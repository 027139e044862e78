// Per-request metric families for the inference path, registered in a prom-client Registry, which
// still writes the Prometheus text (names, HELP/TYPE, label escaping, number format).
//
// Why not prom-client's own Counter/Gauge/Histogram here: every inc/observe of theirs, even on a
// label-resolved child, validates and hashes the label set and looks the series up again (~0.3–0.4 µs
// each in a tight loop, several per request, more with cold caches between requests). These series
// are resolved once per model (and status), and a request then only adds to plain numbers; the work
// of turning them into series happens at scrape time, in get(), which is the method the Registry
// calls on every metric (registerMetric accepts any object with a name and get()).
import type * as client from 'prom-client';

type Labels = Record<string, string>;

interface MetricValue {
  value: number;
  labels: Labels;
  metricName?: string;
}

interface MetricData {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: MetricValue[];
  aggregator: 'sum';
}

abstract class Family<S> {
  private readonly series = new Map<string, { labels: Labels; s: S }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly type: MetricData['type'],
  ) {}

  /** The series for a label set; resolve it once and keep it (the lookup builds a key). */
  labels(labels: Labels): S {
    const key = JSON.stringify(labels);
    let e = this.series.get(key);
    if (!e) this.series.set(key, (e = { labels: { ...labels }, s: this.create() }));
    return e.s;
  }

  /** What prom-client's Registry reads when it writes the exposition text. */
  get(): MetricData {
    const values: MetricValue[] = [];
    for (const { labels, s } of this.series.values()) this.export(labels, s, values);
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }

  /** Registers this family with a prom-client registry. */
  register(registry: client.Registry): this {
    registry.registerMetric(this as unknown as client.Metric);
    return this;
  }

  protected abstract create(): S;
  protected abstract export(labels: Labels, s: S, into: MetricValue[]): void;
}

export interface CounterSeries {
  value: number;
}

export class CounterFamily extends Family<CounterSeries> {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  protected create(): CounterSeries {
    return { value: 0 };
  }
  protected export(labels: Labels, s: CounterSeries, into: MetricValue[]): void {
    into.push({ labels, value: s.value });
  }
}

export interface GaugeSeries {
  value: number;
}

export class GaugeFamily extends Family<GaugeSeries> {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }
  protected create(): GaugeSeries {
    return { value: 0 };
  }
  protected export(labels: Labels, s: GaugeSeries, into: MetricValue[]): void {
    into.push({ labels, value: s.value });
  }
}

export class HistogramSeries {
  sum = 0;
  count = 0;
  /** Observations per bucket (not cumulative); the last slot is above the highest bound. */
  readonly buckets: Float64Array;
  constructor(private readonly bounds: readonly number[]) {
    this.buckets = new Float64Array(bounds.length + 1);
  }
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++; // `le`: a value equal to a bound counts in that bucket
    this.buckets[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class HistogramFamily extends Family<HistogramSeries> {
  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
  ) {
    super(name, help, 'histogram');
  }
  protected create(): HistogramSeries {
    return new HistogramSeries(this.bounds);
  }
  protected export(labels: Labels, s: HistogramSeries, into: MetricValue[]): void {
    let acc = 0;
    this.bounds.forEach((le, i) => {
      acc += s.buckets[i]!;
      into.push({ metricName: `${this.name}_bucket`, labels: { le: String(le), ...labels }, value: acc });
    });
    into.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: s.count });
    into.push({ metricName: `${this.name}_sum`, labels, value: s.sum });
    into.push({ metricName: `${this.name}_count`, labels, value: s.count });
  }
}
