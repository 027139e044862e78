/**
 * Numbered schema migrations for `.mlwb/store.db`.
 *
 * The schema version lives in SQLite's `PRAGMA user_version`. Migrations only ever append:
 * a released migration is never edited, because stores in users' workspaces already ran it.
 * The store is a cache of the run event logs (`runs/<id>/events.jsonl` are the source of truth),
 * so a store that cannot be migrated can always be rebuilt.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'experiments, runs, params, tags, metric series and summaries, artifacts, ingest offsets',
    sql: `
      CREATE TABLE experiments (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 500),
        created_at  INTEGER NOT NULL,
        lifecycle   TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('active', 'deleted'))
      );

      CREATE TABLE runs (
        id             TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
        experiment_id  INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        name           TEXT NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'killed')),
        start_time     INTEGER NOT NULL,
        end_time       INTEGER,
        lifecycle      TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('active', 'deleted')),
        deleted_at     INTEGER,
        pid            INTEGER,
        host           TEXT,
        last_seen      INTEGER,
        -- 'log' when the run's own run_end ended it; 'sweep' when ML Workbench decided it died
        -- (its process is gone or its heartbeat went stale), which new events can still undo.
        end_source     TEXT CHECK (end_source IN ('log', 'sweep')),
        source_path    TEXT,
        source_kind    TEXT,
        error          TEXT,
        context        TEXT
      );
      -- The Experiments view lists one experiment's runs newest first; the status index serves
      -- the liveness sweep that marks dead running runs as killed.
      CREATE INDEX runs_by_experiment ON runs (experiment_id, start_time DESC);
      CREATE INDEX runs_by_status ON runs (status) WHERE status = 'running';

      CREATE TABLE params (
        run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key     TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      -- Filters such as params.optimizer = 'adam' look runs up by key and value.
      CREATE INDEX params_by_key_value ON params (key, value);

      CREATE TABLE tags (
        run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key     TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;

      -- A series is one metric key of one run. Points reference it by a small integer so the
      -- points table and its index stay narrow: it is by far the largest table.
      CREATE TABLE metric_series (
        id       INTEGER PRIMARY KEY,
        run_id   TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key      TEXT NOT NULL,
        UNIQUE (run_id, key)
      );

      -- value NULL means NaN: SQLite stores NaN as NULL, and a metric value is never absent.
      CREATE TABLE metric_points (
        series_id  INTEGER NOT NULL REFERENCES metric_series(id) ON DELETE CASCADE,
        step       INTEGER NOT NULL,
        ts         INTEGER NOT NULL,
        value      REAL
      );
      CREATE INDEX metric_points_by_series_step ON metric_points (series_id, step);

      -- Maintained by ingest so that listings and comparisons never scan the points.
      CREATE TABLE metric_summary (
        series_id  INTEGER PRIMARY KEY REFERENCES metric_series(id) ON DELETE CASCADE,
        last       REAL,
        min        REAL,
        max        REAL,
        count      INTEGER NOT NULL,
        last_step  INTEGER NOT NULL,
        last_ts    INTEGER NOT NULL,
        nan_count  INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE artifacts (
        run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        path    TEXT NOT NULL CHECK (path NOT LIKE '/%' AND path NOT LIKE '..%'),
        size    INTEGER,
        PRIMARY KEY (run_id, path)
      ) WITHOUT ROWID;

      -- How far each run's event log has been ingested, committed in the same transaction as the
      -- rows it produced, so a crash or a second window neither loses nor duplicates a point.
      CREATE TABLE ingest_offsets (
        run_id      TEXT PRIMARY KEY,
        byte_offset INTEGER NOT NULL CHECK (byte_offset >= 0),
        line        INTEGER NOT NULL CHECK (line >= 0),
        file_size   INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );

      CREATE TABLE ingest_errors (
        run_id   TEXT NOT NULL,
        line     INTEGER NOT NULL,
        message  TEXT NOT NULL,
        at       INTEGER NOT NULL,
        PRIMARY KEY (run_id, line)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'data snapshots, their file index, and run inputs (lineage)',
    sql: `
      -- One row per snapshot. The manifest (every file with size, mtime, inode, sha256) is a
      -- content-addressed object in objects/; records are also kept in snapshots/<id>.json so the
      -- table can be rebuilt. content_hash covers paths and content only, so lineage can tell
      -- "same data" even when a file was merely touched.
      CREATE TABLE snapshots (
        id             TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
        dataset        TEXT NOT NULL,
        name           TEXT,
        created_at     INTEGER NOT NULL,
        kind           TEXT NOT NULL CHECK (kind IN ('file', 'dir')),
        file_count     INTEGER NOT NULL,
        total_bytes    INTEGER NOT NULL,
        manifest       TEXT NOT NULL,
        content_hash   TEXT NOT NULL,
        metadata_only  INTEGER NOT NULL CHECK (metadata_only IN (0, 1)),
        partial        INTEGER NOT NULL CHECK (partial IN (0, 1)),
        errors         TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX snapshots_by_dataset ON snapshots (dataset, created_at DESC);
      CREATE INDEX snapshots_by_content ON snapshots (dataset, content_hash);

      -- The files of each distinct manifest (shared by snapshots with equal manifests, so an
      -- unchanged re-snapshot adds no rows). Serves lineage look-ups of one file in a dataset.
      CREATE TABLE snapshot_files (
        manifest  TEXT NOT NULL,
        path      TEXT NOT NULL,
        sha256    TEXT NOT NULL,
        size      INTEGER NOT NULL,
        mtime_ns  TEXT NOT NULL,
        inode     TEXT NOT NULL,
        PRIMARY KEY (manifest, path)
      ) WITHOUT ROWID;

      -- Which snapshot a run read, by the path it logged. No foreign key to runs: ingest may
      -- link an input before or while it (re)builds the run's row.
      CREATE TABLE run_inputs (
        run_id       TEXT NOT NULL,
        snapshot_id  TEXT NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        path         TEXT NOT NULL,
        linked_at    INTEGER NOT NULL,
        PRIMARY KEY (run_id, path, snapshot_id)
      ) WITHOUT ROWID;
      CREATE INDEX run_inputs_by_snapshot ON run_inputs (snapshot_id);
    `,
  },
  {
    // Written by the comparison-query work alongside version 2 (data snapshots); the lead
    // reconciles the numbering if the two land in a different order.
    version: 3,
    description: 'comparison queries: metric keys index, downsampling tiles for long series',
    sql: `
      -- The comparison table's column catalogue lists metric keys with their run counts and
      -- whether values differ; this index streams the series key by key instead of sorting them.
      CREATE INDEX metric_series_by_key ON metric_series (key, run_id);

      -- A min/max pyramid over each long metric series, so a chart of many 100,000-step series
      -- reads a few thousand tiles instead of every point. A cache derived from metric_points:
      -- src/core/query builds and extends it when a chart asks, and deleting it loses nothing.
      -- Level l tiles cover 16·4^l steps; a row packs up to 64 consecutive tiles of one level
      -- (one row per tile would cost more in SQLite's per-row overhead than the tile itself).
      CREATE TABLE metric_tile_chunks (
        series_id  INTEGER NOT NULL REFERENCES metric_series(id) ON DELETE CASCADE,
        level      INTEGER NOT NULL,
        chunk      INTEGER NOT NULL,
        min_step   INTEGER NOT NULL,
        max_step   INTEGER NOT NULL,
        min_ts     INTEGER NOT NULL,
        max_ts     INTEGER NOT NULL,
        tiles      INTEGER NOT NULL,
        data       BLOB NOT NULL,
        PRIMARY KEY (series_id, level, chunk)
      );

      -- What the tiles of a series were built from: metric_summary's count, last_step and last_ts
      -- at build time (a mismatch means new points), the newest point rowid they include (points
      -- are append-only, so newer rowids are exactly the points to add), the series' extent, and
      -- the number of tiles per level (JSON array), which picks the level for a query.
      CREATE TABLE metric_tile_state (
        series_id    INTEGER PRIMARY KEY REFERENCES metric_series(id) ON DELETE CASCADE,
        count        INTEGER NOT NULL,
        last_step    INTEGER NOT NULL,
        last_ts      INTEGER NOT NULL,
        max_rowid    INTEGER NOT NULL,
        min_step     INTEGER NOT NULL,
        max_step     INTEGER NOT NULL,
        min_ts       INTEGER NOT NULL,
        max_ts       INTEGER NOT NULL,
        level_tiles  TEXT NOT NULL
      );
    `,
  },
  {
    // Issue 13: version 1's CHECK (path NOT LIKE '..%') refused legal names such as `..notes.txt`,
    // and one such artifact made every later ingest of every run fail. SQLite cannot alter a
    // CHECK, so the table is rebuilt; the new check refuses only real traversal (a `..` segment).
    version: 4,
    description: 'artifacts: accept names that merely start with "..", refuse only ".." path segments; catch-up checkpoint',
    sql: `
      CREATE TABLE artifacts_v4 (
        run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        path    TEXT NOT NULL CHECK (
          length(path) > 0 AND path NOT LIKE '/%' AND path <> '..' AND path NOT LIKE '../%'
          AND path NOT LIKE '%/../%' AND path NOT LIKE '%/..'
        ),
        size    INTEGER,
        PRIMARY KEY (run_id, path)
      ) WITHOUT ROWID;
      INSERT INTO artifacts_v4 (run_id, path, size) SELECT run_id, path, size FROM artifacts;
      DROP TABLE artifacts;
      ALTER TABLE artifacts_v4 RENAME TO artifacts;

      -- Where the last full catch-up left off (src/core/ingest/catchUp.ts), so read commands need
      -- not stat every run's log when nothing changed. Deleting it only costs one full pass.
      -- Every listing's default order (newest first), so a page of it reads only its own rows.
      CREATE INDEX runs_by_start ON runs (start_time DESC, id DESC);
      -- Runs whose logs may still grow by themselves, found without a scan of every run.
      CREATE INDEX runs_unsettled ON runs (id) WHERE end_source IS NOT 'log';
      CREATE INDEX ingest_offsets_unread ON ingest_offsets (run_id) WHERE byte_offset <> file_size;
      CREATE TABLE ingest_checkpoint (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
