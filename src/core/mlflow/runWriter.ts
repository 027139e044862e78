import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT_FORMAT_VERSION } from '../ingest/events';
import { toJsonNumber } from '../../shared/runModel';
import { appendRunEdit } from '../runs/edits';
import type { WorkspacePaths } from '../workspace';
import { invalid } from './errors';

/** A run id in our format (docs/event-log.md): 12 hex digits of creation ms, 8 random hex digits. */
export function newRunId(nowMs = Date.now()): string {
  return nowMs.toString(16).padStart(12, '0').slice(-12) + crypto.randomBytes(4).toString('hex');
}

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/**
 * Writes what the MLflow endpoint and the importer receive into run event logs, the source of
 * truth: the store is only an index of these files, so MLflow-logged runs survive
 * `mlwb ingest --rebuild` and reach the sidebar through the same live ingest as our own runs.
 * Each call is one append of whole lines (O_APPEND), so a concurrent tailer never sees half a line.
 */
export class RunLogWriter {
  constructor(private readonly paths: WorkspacePaths) {}

  logFile(runId: string): string {
    return path.join(this.paths.runsDir, runId, 'events.jsonl');
  }

  artifactsDir(runId: string): string {
    return path.join(this.paths.runsDir, runId, 'artifacts');
  }

  exists(runId: string): boolean {
    return /^[0-9A-Za-z_-]{1,64}$/.test(runId) && fs.existsSync(this.logFile(runId));
  }

  start(runId: string, init: { experiment: string; name: string; startTime: number; tags: Record<string, string>; params?: Record<string, string> }): void {
    const dir = path.join(this.paths.runsDir, runId);
    fs.mkdirSync(dir, { recursive: true });
    const event = {
      v: EVENT_FORMAT_VERSION,
      type: 'run_start',
      ts: init.startTime,
      run_id: runId,
      experiment: init.experiment,
      name: init.name,
      params: init.params ?? {},
      tags: init.tags,
      context: { source: { path: init.tags['mlflow.source.name'] ?? null, kind: 'mlflow' } },
    };
    // 'wx': a second create of the same id (an import racing itself) fails instead of interleaving.
    fs.writeFileSync(this.logFile(runId), JSON.stringify(event) + '\n', { flag: 'wx' });
  }

  /** Appends events in order; the caller has checked the run exists and is still open. */
  append(runId: string, events: readonly object[]): void {
    if (events.length === 0) return;
    fs.appendFileSync(this.logFile(runId), events.map((e) => JSON.stringify(e) + '\n').join(''));
  }

  /** Metric points as events: consecutive points sharing step and timestamp become one `metrics` event. */
  metricEvents(points: readonly MetricPoint[]): object[] {
    const out: object[] = [];
    let group: { ts: number; step: number; values: Record<string, unknown> } | undefined;
    for (const p of points) {
      if (group && group.ts === p.timestamp && group.step === p.step && !(p.key in group.values)) {
        group.values[p.key] = toJsonNumber(p.value);
        continue;
      }
      group = { ts: p.timestamp, step: p.step, values: { [p.key]: toJsonNumber(p.value) } };
      out.push(Object.assign(group, { type: 'metrics' }));
    }
    return out.map((e) => {
      const g = e as { ts: number; step: number; values: Record<string, unknown> };
      const keys = Object.keys(g.values);
      return keys.length === 1
        ? { type: 'metric', ts: g.ts, key: keys[0], value: g.values[keys[0]!], step: g.step }
        : { type: 'metrics', ts: g.ts, step: g.step, values: g.values };
    });
  }

  /** An edit (name, tag, lifecycle): the only kind of event a reader still applies after run_end. */
  edit(runId: string, edit: Parameters<typeof appendRunEdit>[2], now = Date.now()): void {
    try {
      appendRunEdit(this.paths.runsDir, runId, edit, now);
    } catch (e) {
      throw invalid((e as Error).message);
    }
  }
}
