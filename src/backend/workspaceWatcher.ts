import * as fs from 'node:fs';
import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { detectEntryPoint, type EntryPoint, kindOf, MAX_NOTEBOOK_BYTES, MAX_SCRIPT_BYTES } from '../core/code/entryPoints';
import { IgnoreRules } from '../core/code/ignoreRules';

export interface WorkspaceWatcherEvents {
  /** The list of entry points changed (debounced). */
  changed(): void;
  warn(message: string): void;
}

export interface WorkspaceWatcherOptions {
  /** `files.exclude` and `files.watcherExclude` patterns. */
  readonly excludes?: readonly string[];
  /** Re-scan period once file watching is unavailable (out of inotify watches). */
  readonly scanIntervalMs?: number;
  readonly debounceMs?: number;
  /** Tests inject a watcher factory to simulate ENOSPC. */
  readonly watchFactory?: typeof watch;
}

/** Files read at once while analysing; the initial scan of a big repository must not flood the disk. */
const READ_CONCURRENCY = 8;

/**
 * Keeps the list of the workspace's training entry points current. chokidar watches folders and
 * only `.py`/`.ipynb` files (everything else is ignored before it gets a watch), skipping what
 * IgnoreRules says. When the system runs out of watches it warns once and falls back to a
 * periodic scan instead of crashing or polling every file.
 */
export class WorkspaceWatcher {
  private watcher: FSWatcher | undefined;
  private readonly entries = new Map<string, EntryPoint>();
  /** mtime+size seen per analysed file, so a periodic scan re-reads only what changed. */
  private readonly seen = new Map<string, string>();
  private readonly queue = new Set<string>();
  private reading = 0;
  private readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private notifyTimer: NodeJS.Timeout | undefined;
  private scanTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private degraded = false;
  private initialDone = false;
  private readonly rules: IgnoreRules;
  private readonly opts: Required<Omit<WorkspaceWatcherOptions, 'excludes'>>;

  constructor(
    readonly root: string,
    private readonly events: WorkspaceWatcherEvents,
    options: WorkspaceWatcherOptions = {},
  ) {
    this.opts = { scanIntervalMs: 30_000, debounceMs: 200, watchFactory: watch, ...options };
    this.rules = new IgnoreRules(root, {
      excludes: options.excludes ?? [],
      isVirtualEnv: (dir) => fs.existsSync(path.join(dir, 'pyvenv.cfg')),
    });
    this.readyPromise = new Promise((r) => (this.resolveReady = r));
    // Whoever waits for ready() reads the list then; only later changes are news.
    void this.readyPromise.then(() => (this.initialDone = true));
  }

  start(): void {
    const w = this.opts.watchFactory(this.root, {
      ignored: (p: string, stats?: fs.Stats) => this.rules.ignores(p, stats),
      // Symlinks could lead out of the workspace or loop; entry points live inside it.
      followSymlinks: false,
      ignorePermissionErrors: true,
    });
    this.watcher = w;
    w.on('add', (p) => this.enqueue(p))
      .on('change', (p) => this.enqueue(p))
      .on('unlink', (p) => this.remove(p))
      .on('unlinkDir', (p) => this.removeUnder(p))
      .on('ready', () => void this.drained().then(this.resolveReady))
      .on('error', (err) => this.onError(err as NodeJS.ErrnoException));
  }

  /** Resolves once the initial scan is done and every file found has been analysed. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  list(): EntryPoint[] {
    return [...this.entries.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Whether watching fell back to periodic scans. */
  get isDegraded(): boolean {
    return this.degraded;
  }

  private rel(p: string): string {
    return path.relative(this.root, p).split(path.sep).join('/');
  }

  private enqueue(abs: string): void {
    if (this.closed || !kindOf(abs)) return;
    this.queue.add(abs);
    this.pump();
  }

  private pump(): void {
    while (this.reading < READ_CONCURRENCY && this.queue.size > 0) {
      const abs = this.queue.values().next().value as string;
      this.queue.delete(abs);
      this.reading++;
      void this.analyse(abs).finally(() => {
        this.reading--;
        this.pump();
      });
    }
  }

  private async drained(): Promise<void> {
    while ((this.queue.size > 0 || this.reading > 0) && !this.closed) await new Promise((r) => setTimeout(r, 10));
  }

  private async analyse(abs: string): Promise<void> {
    const rel = this.rel(abs);
    let found: EntryPoint | undefined;
    try {
      const st = await fs.promises.stat(abs);
      this.seen.set(rel, `${st.mtimeMs}:${st.size}`);
      const limit = kindOf(abs) === 'notebook' ? MAX_NOTEBOOK_BYTES : MAX_SCRIPT_BYTES;
      if (st.isFile() && st.size <= limit) found = detectEntryPoint(rel, await fs.promises.readFile(abs, 'utf8'));
    } catch {
      this.seen.delete(rel); // gone between the event and the read
    }
    if (this.closed) return;
    const before = this.entries.get(rel);
    if (found) this.entries.set(rel, found);
    else this.entries.delete(rel);
    if (JSON.stringify(before) !== JSON.stringify(found)) this.scheduleNotify();
  }

  private remove(abs: string): void {
    const rel = this.rel(abs);
    this.seen.delete(rel);
    if (this.entries.delete(rel)) this.scheduleNotify();
  }

  private removeUnder(absDir: string): void {
    const prefix = this.rel(absDir) + '/';
    let any = false;
    for (const rel of [...this.entries.keys()]) if (rel.startsWith(prefix) && this.entries.delete(rel)) any = true;
    for (const rel of [...this.seen.keys()]) if (rel.startsWith(prefix)) this.seen.delete(rel);
    if (any) this.scheduleNotify();
  }

  private scheduleNotify(): void {
    if (this.closed || !this.initialDone) return;
    this.notifyTimer ??= setTimeout(() => {
      this.notifyTimer = undefined;
      this.events.changed();
    }, this.opts.debounceMs);
  }

  private onError(err: NodeJS.ErrnoException): void {
    if (this.closed || this.degraded) return;
    if (err.code === 'ENOSPC' || err.code === 'EMFILE') {
      // Out of inotify watches (or file descriptors): say so once, then keep the list current by scanning.
      this.degraded = true;
      this.events.warn(
        `Watching ${this.root} for training scripts hit the system limit (${err.code}); the entry point list is now ` +
          `refreshed by a scan every ${Math.round(this.opts.scanIntervalMs / 1000)} s. Raise fs.inotify.max_user_watches, ` +
          'or exclude large folders with files.watcherExclude, to restore instant updates.',
      );
      this.closeWatcher();
      void this.scan().then(this.resolveReady);
      this.scanTimer = setInterval(() => void this.scan(), this.opts.scanIntervalMs);
      this.scanTimer.unref();
    } else {
      this.events.warn(`Watching ${this.root} for training scripts: ${err.message}`);
    }
  }

  /** One pass over the tree with the same rules; analyses new and changed files, drops vanished ones. */
  async scan(): Promise<void> {
    const present = new Set<string>();
    const walk = async (dir: string): Promise<void> => {
      let dirents: fs.Dirent[];
      try {
        dirents = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const d of dirents) {
        if (this.closed) return;
        const abs = path.join(dir, d.name);
        if (this.rules.ignores(abs, d)) continue;
        if (d.isDirectory()) await walk(abs);
        else if (d.isFile()) {
          const rel = this.rel(abs);
          present.add(rel);
          const st = await fs.promises.stat(abs).catch(() => undefined);
          if (st && this.seen.get(rel) !== `${st.mtimeMs}:${st.size}`) this.enqueue(abs);
        }
      }
    };
    await walk(this.root);
    for (const rel of [...this.seen.keys()]) if (!present.has(rel)) this.remove(path.join(this.root, rel));
    await this.drained();
  }

  private closeWatcher(): Promise<void> {
    const w = this.watcher;
    this.watcher = undefined;
    if (!w) return Promise.resolve();
    const closing = w.close(); // drops every listener at once
    // Directory reads still in flight may report errors after close; unheard, they would crash the backend.
    w.on('error', () => undefined);
    return closing;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.notifyTimer);
    clearInterval(this.scanTimer);
    this.resolveReady();
    await this.closeWatcher();
  }
}
