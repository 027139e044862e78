import * as os from 'node:os';
import type { Db } from '../store/database';

export interface SweepOptions {
  readonly now?: number;
  /** This machine's host name, compared with the host each run recorded. */
  readonly host?: string;
  /** Whether a process id is alive on this host. */
  readonly isAlive?: (pid: number) => boolean;
  /** A run with no event for this long is presumed dead, wherever it ran. */
  readonly staleMs?: number;
  /**
   * Reads a run's log to its end before the run is marked. A process killed right after its last
   * flush can be gone before the watcher reports that flush; without this, the run showed as killed
   * with only the points ingested so far (seen under load: 1 of 1,000).
   */
  readonly catchUp?: (runId: string) => void;
}

/** The client writes a heartbeat every 10 s; three missed heartbeats mean the run is gone. */
export const DEFAULT_STALE_MS = 30_000;

/**
 * Marks running runs whose process died without ending them (SIGKILL, a crash, power loss) as
 * killed, keeping everything they flushed. Same host: the process is gone. Other hosts (a shared
 * folder): the heartbeat is stale. New events for such a run revive it (see EventApplier).
 * Returns the ids it marked.
 */
export function sweepDeadRuns(db: Db, options: SweepOptions = {}): string[] {
  const now = options.now ?? Date.now();
  const host = options.host ?? os.hostname();
  const isAlive = options.isAlive ?? processIsAlive;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const running = db.prepare(`SELECT id, pid, host, last_seen, start_time FROM runs WHERE status = 'running'`).all() as {
    id: string;
    pid: number | null;
    host: string | null;
    last_seen: number | null;
    start_time: number;
  }[];
  const dead: { id: string; reason: string }[] = [];
  for (const r of running) {
    const lastSeen = r.last_seen ?? r.start_time;
    if (r.host === host && r.pid !== null && !isAlive(r.pid)) dead.push({ id: r.id, reason: `process ${r.pid} exited without ending the run` });
    else if (now - lastSeen > staleMs) dead.push({ id: r.id, reason: `no events for ${Math.round((now - lastSeen) / 1000)} s (no heartbeat)` });
  }
  for (const d of dead) options.catchUp?.(d.id);
  // Read last_seen again: catching up may have moved it (or ended the run, which the status check skips).
  const lastSeenOf = db.prepare(`SELECT COALESCE(last_seen, start_time) AS t FROM runs WHERE id = ?`).pluck();
  const mark = db.prepare(`UPDATE runs SET status = 'killed', end_time = ?, end_source = 'sweep', error = ? WHERE id = ? AND status = 'running'`);
  const killed: string[] = [];
  db.transaction(() => {
    for (const d of dead) if (mark.run(lastSeenOf.get(d.id) as number, d.reason, d.id).changes > 0) killed.push(d.id);
  }).immediate();
  return killed;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
