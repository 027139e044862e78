/** The snapshot API the backend and CLI use (see docs/snapshots.md). */
export type { Manifest, ManifestEntry, Snapshot, SnapshotIssue, SnapshotProgress } from './model';
export { type CreateSnapshotOptions, type CreateSnapshotResult, createSnapshot } from './create';
export { type DiffOptions, type FileChange, type SnapshotDiff, type TabularChange, diffManifests, diffSnapshots } from './diff';
export { type RestoreOptions, type RestoreResult, RestoreConflictError, restoreSnapshot } from './restore';
export { type LinkResult, linkRunInput, listInputsOfRun, listRunsUsingSnapshot } from './lineage';
export { type DatasetStatus, datasetStatus } from './status';
export { openSnapshotTable, snapshotTableDrift } from './tables';
export { loadManifest } from './manifest';
export { datasetName, datasetPath } from './dataset';
export { getSnapshot, latestSnapshot, listDatasets, listSnapshots, rebuildSnapshotIndex, resolveSnapshot } from './store';
export { InlineHasher, type Hasher } from './hasher';
export { WorkerHasher } from './workerHasher';
