import { watch, type FSWatcher } from 'chokidar';

export interface DataWatcherEvents {
  /** Something under these datasets changed on disk (debounced). */
  changed(datasets: string[]): void;
  warn(message: string): void;
}

export interface DataWatcherOptions {
  readonly debounceMs?: number;
  /** Folders never watched (the `.mlwb/` folder, `.git`). */
  readonly ignored?: readonly string[];
  readonly watchFactory?: typeof watch;
}

/**
 * Watches the snapshotted datasets' paths (chokidar), so the Data view's "modified since last
 * snapshot" marker stays current. Cheap: it only learns that *something* under a dataset moved
 * (debounced per dataset); the caller re-derives the status from file stats. Stat events only,
 * no content reads, and `.mlwb`/`.git` are never watched.
 */
export class DataWatcher {
  private watcher: FSWatcher | undefined;
  /** Absolute path → dataset name. */
  private readonly watched = new Map<string, string>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private warned = false;
  private readonly debounceMs: number;

  constructor(
    private readonly events: DataWatcherEvents,
    private readonly options: DataWatcherOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 300;
  }

  /** Watches exactly these datasets (absolute path → dataset name); adds and removes watches as needed. */
  sync(datasets: ReadonlyMap<string, string>): void {
    if (this.closed) return;
    const added = [...datasets.keys()].filter((p) => !this.watched.has(p));
    const removed = [...this.watched.keys()].filter((p) => !datasets.has(p));
    for (const p of removed) {
      this.watched.delete(p);
      void this.watcher?.unwatch(p);
    }
    for (const p of added) this.watched.set(p, datasets.get(p)!);
    if (added.length === 0) return;
    if (!this.watcher) {
      const ignored = this.options.ignored ?? [];
      this.watcher = (this.options.watchFactory ?? watch)(added, {
        ignoreInitial: true,
        ignored: (p: string) => /[\\/](\.git|\.mlwb)([\\/]|$)/.test(p) || ignored.some((i) => p === i || p.startsWith(i + '/') || p.startsWith(i + '\\')),
        awaitWriteFinish: false,
      });
      this.watcher.on('all', (_event, file) => this.hit(file));
      this.watcher.on('error', (e) => {
        if (this.warned) return;
        this.warned = true;
        this.events.warn(
          `Watching datasets for changes failed (${e instanceof Error ? e.message : String(e)}); the Data view's "modified" markers may be stale until you refresh it.`,
        );
      });
    } else {
      this.watcher.add(added);
    }
  }

  /** Datasets whose path equals or encloses `file`. */
  private hit(file: string): void {
    for (const [p, dataset] of this.watched) {
      if (file === p || file.startsWith(p + '/') || file.startsWith(p + '\\')) this.pending.add(dataset);
    }
    if (this.pending.size === 0 || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const datasets = [...this.pending];
      this.pending.clear();
      if (!this.closed) this.events.changed(datasets);
    }, this.debounceMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.watcher?.close();
    this.watcher = undefined;
  }
}
