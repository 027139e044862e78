import type { Db } from '../../src/core/store/database';
import type { RunStatus } from '../../src/shared/runModel';

export interface SeedRun {
  id: string;
  experiment?: string;
  name?: string;
  status?: RunStatus;
  start?: number;
  end?: number | null;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  /** key → values at steps 0..n-1 */
  metrics?: Record<string, number[]>;
}

/**
 * Writes runs straight into the tables, for tests of the queries and views that must not depend
 * on ingest. Summaries are computed here independently of the ingest code.
 */
export function seedRuns(db: Db, runs: SeedRun[]): void {
  db.transaction(() => {
    for (const r of runs) {
      const experiment = r.experiment ?? 'Default';
      db.prepare('INSERT OR IGNORE INTO experiments (name, created_at) VALUES (?, ?)').run(experiment, 0);
      const { id: experimentId } = db.prepare('SELECT id FROM experiments WHERE name = ?').get(experiment) as { id: number };
      const start = r.start ?? Date.UTC(2026, 0, 1);
      const status = r.status ?? 'finished';
      // A running run was seen just now, so the dead-run sweep leaves it alone.
      const lastSeen = status === 'running' ? Date.now() : start;
      const end = status === 'running' ? null : r.end === undefined ? start + 1000 : r.end;
      db.prepare('INSERT INTO runs (id, experiment_id, name, status, start_time, end_time, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        r.id,
        experimentId,
        r.name ?? r.id,
        status,
        start,
        end,
        lastSeen,
      );
      for (const [k, v] of Object.entries(r.params ?? {})) db.prepare('INSERT INTO params VALUES (?, ?, ?)').run(r.id, k, v);
      for (const [k, v] of Object.entries(r.tags ?? {})) db.prepare('INSERT INTO tags VALUES (?, ?, ?)').run(r.id, k, v);
      for (const [key, values] of Object.entries(r.metrics ?? {})) {
        const series = db.prepare('INSERT INTO metric_series (run_id, key) VALUES (?, ?)').run(r.id, key).lastInsertRowid;
        values.forEach((v, step) => db.prepare('INSERT INTO metric_points VALUES (?, ?, ?, ?)').run(series, step, start + step, v));
        const finite = values.filter((v) => !Number.isNaN(v));
        db.prepare('INSERT INTO metric_summary (series_id, last, min, max, count, last_step, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          series,
          values[values.length - 1] ?? null,
          finite.length ? Math.min(...finite) : null,
          finite.length ? Math.max(...finite) : null,
          values.length,
          values.length - 1,
          start + values.length - 1,
        );
      }
    }
  })();
}
