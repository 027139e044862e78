/**
 * Alert evaluation and history. An alert fires when a measure crosses its threshold and resolves when
 * it is back under; only the crossings are recorded (`.mlwb/monitor/<id>/alerts.json`, the last 200),
 * so a value that stays high raises one notification, not one per scrape.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Thresholds } from './alertConfig';
import { monitorDir, writeFileAtomic } from './history';
import type { LiveDrift } from './liveDrift';
import type { WindowStats } from './windowStats';

export type AlertKind = 'p99_ms' | 'error_rate' | 'drift_score';

export interface AlertEvent {
  time: string;
  kind: AlertKind;
  state: 'fired' | 'resolved';
  value: number;
  threshold: number;
  /** For drift: the feature with the highest score. */
  feature?: string;
  message: string;
}

export interface AlertState {
  /** Alerts firing now, by kind. */
  active: Partial<Record<AlertKind, AlertEvent>>;
  /** Crossings, oldest first. */
  history: AlertEvent[];
}

const MAX_HISTORY = 200;

export interface Measured {
  kind: AlertKind;
  value: number;
  feature?: string;
}

/**
 * The measures thresholds apply to; a measure with no data (no requests, no drift) is left out, and
 * so are latency and errors of a server's lifetime totals ('lifetime': one scrape of a server that
 * started before the window), which are not the window's.
 */
export function measures(stats: WindowStats | undefined, drift: LiveDrift | undefined): Measured[] {
  const out: Measured[] = [];
  if (stats && stats.requests > 0 && stats.span !== 'lifetime') {
    if (stats.latency_ms.p99 !== null) out.push({ kind: 'p99_ms', value: stats.latency_ms.p99 });
    out.push({ kind: 'error_rate', value: stats.error_rate });
  }
  const worst = drift?.features[0];
  if (worst) out.push({ kind: 'drift_score', value: worst.score, feature: worst.feature });
  return out;
}

function describe(m: Measured, threshold: number, fired: boolean): string {
  const v = m.kind === 'p99_ms' ? `${m.value.toFixed(1)} ms` : m.kind === 'error_rate' ? `${(m.value * 100).toFixed(1)}%` : m.value.toFixed(3);
  const t = m.kind === 'p99_ms' ? `${threshold} ms` : m.kind === 'error_rate' ? `${(threshold * 100).toFixed(1)}%` : String(threshold);
  const what = m.kind === 'p99_ms' ? 'p99 latency' : m.kind === 'error_rate' ? 'error rate' : `input drift (${m.feature ?? '?'})`;
  return fired ? `${what} ${v} is above ${t}` : `${what} ${v} is back under ${t}`;
}

/** Compares measures with thresholds; returns the new state and the crossings it made. */
export function evaluate(
  state: AlertState,
  thresholds: Thresholds,
  measured: readonly Measured[],
  now = Date.now(),
): { state: AlertState; events: AlertEvent[] } {
  const active = { ...state.active };
  const events: AlertEvent[] = [];
  for (const m of measured) {
    const threshold = thresholds[m.kind];
    const firing = active[m.kind];
    if (threshold === undefined) {
      delete active[m.kind];
      continue;
    }
    const over = m.value > threshold;
    if (over && !firing) {
      const e: AlertEvent = {
        time: new Date(now).toISOString(),
        kind: m.kind,
        state: 'fired',
        value: m.value,
        threshold,
        ...(m.feature ? { feature: m.feature } : {}),
        message: describe(m, threshold, true),
      };
      active[m.kind] = e;
      events.push(e);
    } else if (!over && firing) {
      delete active[m.kind];
      events.push({
        time: new Date(now).toISOString(),
        kind: m.kind,
        state: 'resolved',
        value: m.value,
        threshold,
        ...(m.feature ? { feature: m.feature } : {}),
        message: describe(m, threshold, false),
      });
    }
  }
  return { state: { active, history: [...state.history, ...events].slice(-MAX_HISTORY) }, events };
}

const file = (root: string, id: string): string => path.join(monitorDir(root, id), 'alerts.json');

export function readAlertState(mlwbRoot: string, deploymentId: string): AlertState {
  try {
    const s = JSON.parse(fs.readFileSync(file(mlwbRoot, deploymentId), 'utf8')) as AlertState;
    return { active: s.active ?? {}, history: Array.isArray(s.history) ? s.history : [] };
  } catch {
    return { active: {}, history: [] };
  }
}

export function writeAlertState(mlwbRoot: string, deploymentId: string, s: AlertState): void {
  writeFileAtomic(file(mlwbRoot, deploymentId), JSON.stringify(s) + '\n');
}
