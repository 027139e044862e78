// Prometheus metrics of the model server, named per Prometheus conventions: base units (seconds),
// `_total` on counters, a unit suffix on histograms. Exposed at GET /metrics by prom-client's
// Registry, which also carries prom-client's process metrics (`mlwb_server_*`). The per-request
// families are metricFamilies.ts's (plain numbers per pre-resolved series; see there why).
import * as client from 'prom-client';
import { CounterFamily, type CounterSeries, GaugeFamily, type GaugeSeries, HistogramFamily, type HistogramSeries } from './metricFamilies';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export interface ModelMetrics {
  queueSeconds: HistogramSeries;
  inferenceSeconds: HistogramSeries;
  requestSeconds: HistogramSeries;
  batchSize: HistogramSeries;
  inFlight: GaugeSeries;
  /** The request counter's series for one HTTP status. */
  requests(status: number): CounterSeries;
}

export class ServerMetrics {
  readonly registry = new client.Registry();
  readonly requests = new CounterFamily('mlwb_inference_requests_total', 'Inference requests answered, by model, version and HTTP status code.').register(
    this.registry,
  );
  readonly queueSeconds = this.histogram('mlwb_inference_queue_duration_seconds', 'Time a request waited in the batching queue before its batch started.');
  readonly inferenceSeconds = this.histogram('mlwb_inference_compute_duration_seconds', 'Time session.run took for the batch that carried a request.');
  readonly requestSeconds = this.histogram(
    'mlwb_inference_request_duration_seconds',
    'Time from a request arriving to its answer being written (parse, queue, inference, encode).',
  );
  readonly batchSize = new HistogramFamily(
    'mlwb_inference_batch_size',
    'Rows (first-axis length) of each session.run; above 1 when dynamic batching joined requests.',
    BATCH_BUCKETS,
  ).register(this.registry);
  readonly inFlight = new GaugeFamily('mlwb_inference_requests_in_flight', 'Inference requests received and not yet answered.').register(this.registry);

  private readonly children = new Map<string, ModelMetrics>();

  /** The per-model series, resolved once per model; every series exists (at 0) from then on. */
  forModel(model: string, version: string): ModelMetrics {
    const key = `${model}\u0000${version}`;
    let c = this.children.get(key);
    if (!c) {
      const l = { model, version };
      const byStatus = new Map<number, CounterSeries>();
      c = {
        requests: (status) => {
          let s = byStatus.get(status);
          if (!s) byStatus.set(status, (s = this.requests.labels({ model, version, status: String(status) })));
          return s;
        },
        queueSeconds: this.queueSeconds.labels(l),
        inferenceSeconds: this.inferenceSeconds.labels(l),
        requestSeconds: this.requestSeconds.labels(l),
        batchSize: this.batchSize.labels(l),
        inFlight: this.inFlight.labels(l),
      };
      this.children.set(key, c);
    }
    return c;
  }

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'mlwb_server_' });
  }

  private histogram(name: string, help: string): HistogramFamily {
    return new HistogramFamily(name, help, LATENCY_BUCKETS).register(this.registry);
  }
}
