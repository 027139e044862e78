/**
 * Scrape history of one deployment, kept in `.mlwb/monitor/<id>/metrics.json` so a reload (or the
 * CLI) sees the same charts. Bounded: every point of the last 10 minutes, one a minute up to 2 hours,
 * one every 10 minutes up to 25 hours; older points are dropped. Points are cumulative, so thinning
 * loses resolution, never counts (see metricPoint.ts).
 * Two processes append to it (the backend's scraper and `mlwb monitor`): each append is a
 * read-modify-write under a lock (`metrics.json.lock`), so neither loses the other's point.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lock } from 'proper-lockfile';
import { MlwbError } from '../errors';
import type { MetricPoint } from './metricPoint';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `.mlwb/monitor/<id>/`: everything monitoring keeps for one deployment. */
export function monitorDir(mlwbRoot: string, deploymentId: string): string {
  if (!ID.test(deploymentId)) throw new MlwbError(`Invalid deployment id: ${JSON.stringify(deploymentId)}`, 'INVALID_ARGUMENT');
  return path.join(mlwbRoot, 'monitor', deploymentId);
}

/** Writes a file whole through a temp file and rename, so another process never reads half of it. */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

const TIERS = [
  { olderThan: 10 * 60_000, step: 60_000 },
  { olderThan: 2 * 60 * 60_000, step: 10 * 60_000 },
] as const;
export const HISTORY_SPAN_MS = 25 * 60 * 60_000;

/** Drops points so the history stays bounded (at most ~ 10 min / scrape interval + 110 + 140 points). */
export function thin(points: readonly MetricPoint[], now: number): MetricPoint[] {
  const out: MetricPoint[] = [];
  let lastKeptSlot = '';
  for (const p of points) {
    const age = now - p.t;
    if (age > HISTORY_SPAN_MS) continue;
    const tier = [...TIERS].reverse().find((t) => age > t.olderThan);
    if (!tier) {
      out.push(p);
      continue;
    }
    const slot = `${tier.step}:${Math.floor(p.t / tier.step)}`;
    if (slot !== lastKeptSlot) out.push(p);
    lastKeptSlot = slot;
  }
  return out;
}

export class MetricHistory {
  readonly file: string;

  constructor(mlwbRoot: string, deploymentId: string) {
    this.file = path.join(monitorDir(mlwbRoot, deploymentId), 'metrics.json');
  }

  /** The stored points, oldest first; a damaged file reads as no history (it is rewritten on the next scrape). */
  read(): MetricPoint[] {
    try {
      const doc = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { points?: unknown };
      return Array.isArray(doc.points) ? (doc.points as MetricPoint[]).filter((p) => typeof p?.t === 'number') : [];
    } catch {
      return [];
    }
  }

  /** Adds a point in time order (replacing one with the same time) and thins; returns the history after it. */
  async append(point: MetricPoint): Promise<MetricPoint[]> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const release = await lock(this.file, LOCK);
    try {
      const all = [...this.read().filter((p) => p.t !== point.t), point].sort((a, b) => a.t - b.t);
      const points = thin(all, all[all.length - 1]!.t);
      writeFileAtomic(this.file, JSON.stringify({ version: 1, points }));
      return points;
    } finally {
      await release();
    }
  }
}

/**
 * A lock held for one read-modify-write (milliseconds); one left by a killed process counts as stale
 * after 10 s. Waiting appenders retry for up to ~5 s, then the append fails (the scrape reports it).
 */
const LOCK = {
  realpath: false, // metrics.json need not exist yet
  stale: 10_000,
  retries: { retries: 100, factor: 1.2, minTimeout: 5, maxTimeout: 50 },
  // A lock taken over as stale while held: the write still goes through a rename, so the file stays whole.
  onCompromised: () => undefined,
};
