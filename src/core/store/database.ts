import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import { MlwbError } from '../errors';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenStoreOptions {
  /** Open without creating or migrating; fails on a store that needs migration. */
  readonly readonly?: boolean;
  /** Milliseconds a writer waits for another connection's lock before failing. */
  readonly busyTimeoutMs?: number;
  /** Overrides the migration list (tests only). */
  readonly migrations?: readonly Migration[];
}

const REBUILD_HINT = 'Run `mlwb ingest --rebuild` to rebuild it from the run event logs in .mlwb/runs/ (the damaged file is kept as a backup).';

/**
 * Opens `.mlwb/store.db` in WAL mode and applies pending migrations.
 * Every failure a user can meet becomes an MlwbError that names the file and the way out.
 */
export function openStore(file: string, options: OpenStoreOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  let db: Db | undefined;
  try {
    if (options.readonly && !fs.existsSync(file)) {
      throw new MlwbError(`No ML Workbench store at ${file}.`, 'NOT_FOUND');
    }
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000));
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // Reading the schema version is the first real read, so a non-SQLite file fails here.
    const version = db.pragma('user_version', { simple: true }) as number;
    const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
    if (version > latest) {
      throw new MlwbError(
        `The store ${file} was written by a newer ML Workbench (schema ${version}; this version understands up to ${latest}). ` +
          'Update ML Workbench; this version leaves the file untouched.',
        'STORE_NEWER_SCHEMA',
      );
    }
    if (!options.readonly) {
      // WAL lets the backend write while the CLI and other windows read; NORMAL sync is safe in WAL
      // (a power loss may drop the last commits, which ingest replays from the event logs).
      enableWal(db, busyTimeoutMs);
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, version, migrations);
    } else if (version < latest) {
      throw new MlwbError(`The store ${file} needs an upgrade (schema ${version} → ${latest}); open it once without read-only mode.`, 'STORE_READ_ONLY');
    }
    return db;
  } catch (e) {
    db?.close();
    throw translateOpenError(e, file);
  }
}

/**
 * Switches the store to WAL (a no-op once it is). The switch needs every other connection out of
 * the way, and SQLite answers SQLITE_BUSY at once, without its busy handler, while another holds a
 * write lock: several processes opening a new store together would fail "database is locked". So
 * a busy answer is retried with short sleeps, for as long as any other lock is waited for.
 */
function enableWal(db: Db, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw e;
      Atomics.wait(SLEEP, 0, 0, pause); // synchronous, like every other store call
    }
  }
}

const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/**
 * Applies pending migrations. Each runs in an IMMEDIATE transaction (the write lock) and re-reads
 * the version inside it: when several processes open a new store at once, the first applies each
 * step and the others, once they get the lock, see it applied and skip it.
 */
function migrate(db: Db, seen: number, migrations: readonly Migration[]): void {
  for (const m of migrations) {
    if (m.version <= seen) continue;
    // One transaction per migration: a failed step leaves the store at the previous version.
    db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

function translateOpenError(e: unknown, file: string): unknown {
  if (e instanceof MlwbError) return e;
  if (e instanceof TypeError && /directory does not exist/.test(e.message)) {
    return new MlwbError(`Cannot open the store ${file}: its folder does not exist.`, 'NOT_FOUND');
  }
  const code = (e as { code?: string }).code ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new MlwbError(`${file} is not a valid ML Workbench store (${message}). ${REBUILD_HINT}`, 'STORE_CORRUPT');
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') {
    return new MlwbError(
      `Cannot open the store ${file} for writing (${message}). Check that the folder is writable, or set MLWB_DIR to a writable folder.`,
      'STORE_READ_ONLY',
    );
  }
  return e;
}

export { LATEST_SCHEMA_VERSION };
