import * as fs from 'node:fs';
import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Db } from '../core/store/database';
import { ingestRunLog, type IngestIssue } from '../core/ingest/runIngestor';
import { listRunIds } from '../core/ingest/workspaceIngest';
import { toRunEvent } from '../core/ingest/events';
import { sweepDeadRuns } from '../core/ingest/liveness';
import type { LoggedInput } from '../core/ingest/eventApplier';
import { refreshTiles } from '../core/query/tiles';
import type { WorkspacePaths } from '../core/workspace';

export interface LiveIngestEvents {
  /** Runs whose rows changed; called at most every `notifyMs`. */
  changed(runIds: string[]): void;
  issue(issue: IngestIssue): void;
  warn(message: string): void;
  /** Input paths a run logged (for snapshot lineage). Only called while `trusted()` says so. */
  inputs?(runId: string, inputs: LoggedInput[]): void;
  /**
   * Whether the workspace is trusted. Linking an input reads (and may copy) a path a run log
   * names, so a log in an untrusted workspace must not trigger it. Absent means untrusted.
   */
  trusted?(): boolean;
}

export interface LiveIngestOptions {
  /**
   * Wait after an append before ingesting. 0 by default: every millisecond here adds to the wait
   * for a run's last point, and appends that arrive while a drain runs are coalesced anyway (they
   * are picked up by the same drain).
   */
  readonly debounceMs?: number;
  /** At most one `changed` notification per this many ms; the first after a quiet spell goes out at once. */
  readonly notifyMs?: number;
  readonly sweepMs?: number;
  /** Chunks committed before yielding to the event loop, so requests are served during big ingests. */
  readonly chunksPerTurn?: number;
  /**
   * Quiet time after ingest before the chart tiles it left stale are extended from the store (it
   * extends current ones itself, from memory). Between a client's flushes, so the request that
   * reads a run's last points (sent the moment ingest notifies) is not queued behind that work.
   */
  readonly tilesDelayMs?: number;
  /** Quiet time before the idle pass over every series' tiles (start-up) and what extension left over. */
  readonly idleTilesMs?: number;
}

/**
 * Keeps the store current while run logs grow: chokidar reports appends to
 * `runs/<id>/events.jsonl`, each touched run is ingested from its committed offset, and views are
 * told which runs changed. Ingest runs in small turns so the backend keeps answering requests.
 */
export class LiveIngest {
  private watcher: FSWatcher | undefined;
  private readonly dirty = new Set<string>();
  private readonly changedSinceNotify = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private notifyTimer: NodeJS.Timeout | undefined;
  private lastNotifyAt = -Infinity;
  /** Per run: the looks after chokidar's throttle windows (see onFile). */
  private readonly lookAgain = new Map<string, NodeJS.Timeout[]>();
  private extendTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private draining = false;
  private closed = false;
  /** Runs whose chart tiles may be stale; `allTiles` asks for a pass over every series (start-up). */
  private readonly tileRuns = new Set<string>();
  private allTiles = true;
  private tilesTimer: NodeJS.Timeout | undefined;
  private readonly opts: Required<LiveIngestOptions>;
  /** Runs whose logged inputs were not linked because the workspace was untrusted. */
  private readonly untrustedInputs = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly paths: WorkspacePaths,
    private readonly events: LiveIngestEvents,
    options: LiveIngestOptions = {},
  ) {
    this.opts = { debounceMs: 0, notifyMs: 150, sweepMs: 5000, chunksPerTurn: 1, tilesDelayMs: 25, idleTilesMs: 200, ...options };
  }

  /** Catches up with every log, then follows changes. */
  start(): void {
    fs.mkdirSync(this.paths.runsDir, { recursive: true });
    for (const id of listRunIds(this.paths)) this.dirty.add(id);
    this.watcher = this.createWatcher(false);
    this.sweepTimer = setInterval(() => this.sweep(), this.opts.sweepMs);
    this.sweepTimer.unref();
    this.schedule(0);
  }

  /** Ingests one run now (after a user edit), outside the debounce. */
  touch(runId: string): void {
    this.dirty.add(runId);
    this.schedule(0);
  }

  /** Resolves once the watcher reports appends (its initial scan is done); for tests. */
  watching(): Promise<void> {
    const w = this.watcher;
    if (!w) return Promise.reject(new Error('LiveIngest was not started'));
    return new Promise((resolve) => w.once('ready', () => resolve()));
  }

  /** Resolves once nothing is waiting to be ingested (tests, and `runs/*` requests that want fresh data). */
  async idle(): Promise<void> {
    while (this.dirty.size > 0 || this.draining) await new Promise((r) => setTimeout(r, 5));
  }

  private createWatcher(usePolling: boolean): FSWatcher {
    const w = watch(this.paths.runsDir, {
      ignoreInitial: true,
      depth: 1,
      usePolling,
      interval: 500,
      // Only event logs matter; artifacts and output may be large and busy.
      ignored: (p: string, stats?: fs.Stats) => !!stats?.isFile() && path.basename(p) !== 'events.jsonl',
    });
    const onFile = (p: string) => {
      if (path.basename(p) !== 'events.jsonl') return;
      const runId = path.basename(path.dirname(p));
      this.dirty.add(runId);
      this.schedule(this.opts.debounceMs);
      // chokidar drops, and never sends later, a file event within 5 ms of the one before and a
      // change within 50 ms of the last one it reported (two throttles). Ingest starts at once, so
      // an append in those windows would wait for the run's next append, and a run's last append
      // for ever (a million-step run stopped short of its last flush): look again once each
      // window is over; the first look keeps the common case quick.
      for (const timer of this.lookAgain.get(runId) ?? []) clearTimeout(timer);
      const look = () => {
        this.dirty.add(runId);
        this.schedule(0);
      };
      const last = LOOK_AGAIN_MS.length - 1;
      const timers = LOOK_AGAIN_MS.map((ms, i) =>
        setTimeout(() => {
          if (i === last) this.lookAgain.delete(runId);
          look();
        }, ms),
      );
      this.lookAgain.set(runId, timers);
    };
    w.on('add', onFile).on('change', onFile);
    w.on('error', (err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (!usePolling && (code === 'ENOSPC' || code === 'EMFILE')) {
        // Out of inotify watches: keep working by polling, and say how to fix it.
        this.events.warn(
          `File watching hit the system limit (${code}); falling back to polling the runs folder, which is slower. ` +
            'Raise fs.inotify.max_user_watches to restore instant updates.',
        );
        void w.close();
        this.watcher = this.createWatcher(true);
      } else {
        this.events.warn(`Watching ${this.paths.runsDir} failed: ${(err as Error).message}`);
      }
    });
    return w;
  }

  private schedule(delay: number): void {
    if (this.closed || this.draining) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), delay);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.dirty.size > 0 && !this.closed) {
        const runId = this.dirty.values().next().value as string;
        this.dirty.delete(runId);
        let more = true;
        while (more && !this.closed) {
          more = this.ingestStep(runId);
          if (more) await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } catch (e) {
      this.events.warn(`Ingest failed: ${(e as Error).message}`);
    } finally {
      this.draining = false;
    }
    if (this.dirty.size > 0) this.schedule(0);
    else this.scheduleExtendTiles();
  }

  /**
   * Ingest keeps the chart tiles of long series current in each commit, from the points it parsed
   * (`keepTiles`; building a million-point series' tiles on first view took 0.7 s). What it leaves
   * stale (points that came out of step order, tiles that were stale before) is extended here,
   * reading the new points back from the store. Never between a commit and the requests it
   * answers: it waits for ingest to be quiet for `tilesDelayMs` (a client flushes every 50 ms), and
   * a drain starting meanwhile puts it off again. A series left over by the budget is finished by
   * the idle pass.
   */
  private scheduleExtendTiles(): void {
    clearTimeout(this.extendTimer);
    if (this.closed) return;
    if (this.tileRuns.size === 0) return this.scheduleTiles();
    this.extendTimer = setTimeout(() => {
      this.extendTimer = undefined;
      if (this.closed || this.draining || this.dirty.size > 0) return; // the drain's end schedules it again
      for (const runId of [...this.tileRuns]) {
        try {
          if (!refreshTiles(this.db, { runIds: [runId], budgetMs: TILES_PER_INGEST_MS }).remaining) this.tileRuns.delete(runId);
        } catch (e) {
          this.events.warn(`Preparing chart data failed: ${(e as Error).message}`); // the idle pass tries once more
        }
      }
      this.scheduleTiles();
    }, this.opts.tilesDelayMs);
  }

  /**
   * Keeps the downsampling tiles of long series current in idle moments, so the first chart of a
   * series is as fast as later ones. Ingest always goes first: tiles wait while logs are dirty.
   */
  private scheduleTiles(): void {
    if (this.closed || this.tilesTimer || (!this.allTiles && this.tileRuns.size === 0)) return;
    this.tilesTimer = setTimeout(() => {
      this.tilesTimer = undefined;
      if (this.closed || this.draining || this.dirty.size > 0) return;
      try {
        const runIds = this.allTiles ? undefined : [...this.tileRuns];
        const r = refreshTiles(this.db, { runIds, budgetMs: 30 });
        if (!r.remaining) {
          this.allTiles = false;
          if (runIds) for (const id of runIds) this.tileRuns.delete(id);
        }
      } catch (e) {
        this.events.warn(`Preparing chart data failed: ${(e as Error).message}`);
        this.allTiles = false;
        this.tileRuns.clear();
      }
      this.scheduleTiles();
    }, this.opts.idleTilesMs);
  }

  private passInputs(runId: string, inputs: LoggedInput[]): void {
    if (this.events.trusted?.() === true) {
      this.events.inputs?.(runId, inputs);
      return;
    }
    this.untrustedInputs.add(runId);
    this.events.warn(
      `Run ${runId} logged ${inputs.length} input path(s); they are not snapshotted because the workspace is not trusted. ` +
        'Trust the folder to link runs to their data.',
    );
  }

  /**
   * After trust is granted: links the inputs of runs whose inputs were skipped while untrusted, by
   * reading their logs' input events again (ingest already committed past them).
   */
  relinkSkippedInputs(): void {
    for (const runId of this.untrustedInputs) {
      const inputs = loggedInputs(path.join(this.paths.runsDir, runId, 'events.jsonl'));
      if (inputs.length) this.events.inputs?.(runId, inputs);
    }
    this.untrustedInputs.clear();
  }

  private sweep(): void {
    if (this.closed) return;
    // No sweep while a drain holds a half-read log; the next one comes sweepMs later.
    if (this.draining) return;
    const catchUp = (runId: string): void => {
      while (this.ingestStep(runId));
    };
    for (const id of sweepDeadRuns(this.db, { catchUp })) this.markChanged(id);
  }

  /** Ingests up to `chunksPerTurn` chunks of one run's log; true when more is left. */
  private ingestStep(runId: string): boolean {
    const r = ingestRunLog(this.db, this.paths.runsDir, runId, { maxChunks: this.opts.chunksPerTurn, keepTiles: true });
    for (const issue of r.issues) this.events.issue(issue);
    if (r.inputs.length) this.passInputs(runId, r.inputs);
    if (!r.unchanged) {
      this.markChanged(runId);
      this.tileRuns.add(runId);
    }
    return r.more;
  }

  /**
   * Views refresh on `changed`, so its delay is part of what a user waits for. A throttle with a
   * leading edge: the first change after a quiet spell is told as soon as this turn ends, later
   * ones at most once per `notifyMs` (before, every change waited the full `notifyMs`).
   */
  private markChanged(runId: string): void {
    this.changedSinceNotify.add(runId);
    if (this.notifyTimer) return;
    const wait = Math.max(0, this.lastNotifyAt + this.opts.notifyMs - performance.now());
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      this.lastNotifyAt = performance.now();
      const ids = [...this.changedSinceNotify];
      this.changedSinceNotify.clear();
      this.events.changed(ids);
    }, wait);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.notifyTimer);
    clearTimeout(this.tilesTimer);
    clearTimeout(this.extendTimer);
    for (const timers of this.lookAgain.values()) for (const timer of timers) clearTimeout(timer);
    clearInterval(this.sweepTimer);
    await this.watcher?.close();
  }
}

/**
 * Past chokidar's two throttles, with a margin: 5 ms on file events (handler.js
 * `_throttle(THROTTLE_MODE_WATCH, file, 5)`) and 50 ms on reported changes (index.js
 * `_throttle(EVENTS.CHANGE, path, 50)`).
 */
const LOOK_AGAIN_MS = [15, 60];

/** Time for extending tiles after each ingest of a run (checked between series). */
const TILES_PER_INGEST_MS = 20;

/** The paths of a log's `input` events (for linking after trust is granted). */
function loggedInputs(file: string): LoggedInput[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: LoggedInput[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"input"')) continue;
    try {
      const e = toRunEvent(JSON.parse(line));
      if (e?.type === 'input') out.push({ path: e.path, ts: e.ts });
    } catch {
      // reported when it was ingested
    }
  }
  return out;
}
