// Prometheus metrics of the model server (prom-client), named per Prometheus conventions: base
// units (seconds), `_total` on counters, a unit suffix on histograms. Exposed at GET /metrics.
import * as client from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export interface ModelMetrics {
  queueSeconds: client.Histogram.Internal<'model' | 'version'>;
  inferenceSeconds: client.Histogram.Internal<'model' | 'version'>;
  requestSeconds: client.Histogram.Internal<'model' | 'version'>;
  inFlight: client.Gauge.Internal<'model' | 'version'>;
  /** The request counter's series for one HTTP status (cached: prom-client hashes labels on every inc). */
  requests(status: number): client.Counter.Internal;
}

export class ServerMetrics {
  readonly registry = new client.Registry();
  readonly requests = new client.Counter({
    name: 'mlwb_inference_requests_total',
    help: 'Inference requests answered, by model, version and HTTP status code.',
    labelNames: ['model', 'version', 'status'] as const,
    registers: [this.registry],
  });
  readonly queueSeconds = this.histogram('mlwb_inference_queue_duration_seconds', 'Time a request waited in the batching queue before its batch started.');
  readonly inferenceSeconds = this.histogram('mlwb_inference_compute_duration_seconds', 'Time session.run took for the batch that carried a request.');
  readonly requestSeconds = this.histogram(
    'mlwb_inference_request_duration_seconds',
    'Time from a request arriving to its answer being written (parse, queue, inference, encode).',
  );
  readonly batchSize = new client.Histogram({
    name: 'mlwb_inference_batch_size',
    help: 'Rows (first-axis length) of each session.run; above 1 when dynamic batching joined requests.',
    labelNames: ['model', 'version'] as const,
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });
  readonly inFlight = new client.Gauge({
    name: 'mlwb_inference_requests_in_flight',
    help: 'Inference requests received and not yet answered.',
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });

  private readonly children = new Map<string, ModelMetrics>();

  /** The per-model series, looked up once per model instead of hashing labels on every request. */
  forModel(model: string, version: string): ModelMetrics {
    const key = `${model}\u0000${version}`;
    let c = this.children.get(key);
    if (!c) {
      const l = { model, version };
      const byStatus = new Map<number, client.Counter.Internal>();
      c = {
        requests: (status) => {
          let s = byStatus.get(status);
          if (!s) byStatus.set(status, (s = this.requests.labels({ model, version, status: String(status) })));
          return s;
        },
        queueSeconds: this.queueSeconds.labels(l),
        inferenceSeconds: this.inferenceSeconds.labels(l),
        requestSeconds: this.requestSeconds.labels(l),
        inFlight: this.inFlight.labels(l),
      };
      this.children.set(key, c);
    }
    return c;
  }

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'mlwb_server_' });
  }

  private histogram(name: string, help: string): client.Histogram<'model' | 'version'> {
    return new client.Histogram({ name, help, labelNames: ['model', 'version'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry] });
  }
}
