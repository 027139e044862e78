/**
 * Scrapes deployments' /metrics on an interval and appends one point per deployment to its history.
 * The backend runs one Scraper per workspace; the CLI calls scrapeOnce for a current point.
 */
import type { DeploymentRecord } from '../deploy/deployment';
import { errorMessage } from '../../shared/errors';
import { MetricHistory } from './history';
import { type MetricPoint, pointFromSamples } from './metricPoint';
import { parsePrometheusText } from './promText';

export const DEFAULT_SCRAPE_INTERVAL_MS = 5_000;
const SCRAPE_TIMEOUT_MS = 3_000;

export async function fetchMetrics(url: string, timeoutMs = SCRAPE_TIMEOUT_MS): Promise<string> {
  const res = await fetch(new URL('/metrics', url), { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  return res.text();
}

/** One scrape of a deployment, appended to its history; returns the whole history after it. */
export async function scrapeOnce(mlwbRoot: string, d: DeploymentRecord, now = Date.now): Promise<MetricPoint[]> {
  if (!d.url) throw new Error(`deployment ${d.id} has no URL yet`);
  const text = await fetchMetrics(d.url);
  const point = pointFromSamples(parsePrometheusText(text), now(), d.model, String(d.version));
  return new MetricHistory(mlwbRoot, d.id).append(point);
}

export interface ScraperOptions {
  intervalMs?: number;
  /** The deployments to watch now (read again on every tick, so new ones join and stopped ones leave). */
  deployments: () => readonly DeploymentRecord[];
  /** After each tick: the deployments scraped (with their history) and those that failed. */
  onTick?: (scraped: { deployment: DeploymentRecord; points: MetricPoint[] }[], failed: { deployment: DeploymentRecord; error: string }[]) => void;
}

export class Scraper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly mlwbRoot: string,
    private readonly options: ScraperOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    const interval = this.options.intervalMs ?? DEFAULT_SCRAPE_INTERVAL_MS;
    this.timer = setInterval(() => void this.tick(), interval);
    this.timer.unref();
    void this.tick();
  }

  /** One round over every live deployment; a tick that is still running is not overlapped. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const live = this.options.deployments().filter((d) => d.url && (d.status === 'healthy' || d.status === 'unhealthy' || d.status === 'starting'));
      const scraped: { deployment: DeploymentRecord; points: MetricPoint[] }[] = [];
      const failed: { deployment: DeploymentRecord; error: string }[] = [];
      await Promise.all(
        live.map(async (d) => {
          try {
            scraped.push({ deployment: d, points: await scrapeOnce(this.mlwbRoot, d) });
          } catch (e) {
            failed.push({ deployment: d, error: errorMessage(e) });
          }
        }),
      );
      this.options.onTick?.(scraped, failed);
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
