import * as path from 'node:path';
import { globToRegExp } from './glob';

/**
 * Folders never worth watching for training entry points: version control, dependencies,
 * virtual environments, our own data and caches. `.ipynb_checkpoints` holds Jupyter's copies of
 * notebooks, which would otherwise show up twice.
 */
export const IGNORED_DIR_NAMES: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '.mlwb',
  'venv',
  '.venv',
  'env',
  '__pypackages__',
  'site-packages',
  '__pycache__',
  '.ipynb_checkpoints',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
]);

/** Files that can be entry points; every other file is left unwatched, which keeps watchers few. */
export const ENTRY_POINT_EXTENSIONS: ReadonlySet<string> = new Set(['.py', '.ipynb']);

export type PathKind = 'file' | 'dir' | 'unknown';

export interface IgnoreOptions {
  /** Glob patterns from `files.exclude` and `files.watcherExclude` (relative to the root). */
  readonly excludes?: readonly string[];
  /** Whether a folder is a virtual environment under another name (it holds `pyvenv.cfg`). */
  readonly isVirtualEnv?: (absDir: string) => boolean;
}

/**
 * Decides what the workspace watcher skips. A skipped folder is not descended into, so one rule
 * on `node_modules` saves thousands of watches. Pure apart from the injected `isVirtualEnv`.
 */
export class IgnoreRules {
  private readonly patterns: RegExp[];
  private readonly venvCache = new Map<string, boolean>();

  constructor(
    readonly root: string,
    private readonly options: IgnoreOptions = {},
  ) {
    this.patterns = (options.excludes ?? []).map(globToRegExp);
  }

  /** For chokidar's `ignored(path, stats)`; stats are absent on some of its calls. */
  ignores(absPath: string, stats?: { isFile(): boolean; isDirectory(): boolean }): boolean {
    const rel = path.relative(this.root, absPath).split(path.sep).join('/');
    if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
    const kind: PathKind = stats ? (stats.isDirectory() ? 'dir' : stats.isFile() ? 'file' : 'unknown') : 'unknown';
    if (this.ignoresRelative(rel, kind)) return true;
    return kind === 'dir' && this.isVenv(absPath);
  }

  /** `rel` uses `/`; `kind` is what is at the path, when known. */
  ignoresRelative(rel: string, kind: PathKind): boolean {
    if (rel === '' || rel === '.') return false;
    const segments = rel.split('/');
    // A file's own name is not a folder name: a script called `env.py` stays.
    const folders = kind === 'file' ? segments.slice(0, -1) : segments;
    if (folders.some((s) => IGNORED_DIR_NAMES.has(s))) return true;
    if (this.patterns.length > 0) {
      for (let i = 1; i <= segments.length; i++) {
        const prefix = segments.slice(0, i).join('/');
        if (this.patterns.some((re) => re.test(prefix))) return true;
      }
    }
    return kind === 'file' && !ENTRY_POINT_EXTENSIONS.has(path.extname(rel).toLowerCase());
  }

  private isVenv(absDir: string): boolean {
    const check = this.options.isVirtualEnv;
    if (!check) return false;
    let v = this.venvCache.get(absDir);
    if (v === undefined) {
      v = check(absDir);
      this.venvCache.set(absDir, v);
    }
    return v;
  }
}
