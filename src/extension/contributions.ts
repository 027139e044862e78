/**
 * Every id the extension shares with package.json `contributes`: commands (by feature), views,
 * tree item contextValues and context keys. vscode-free, so a unit test can check this file
 * against package.json (test/unit/extension/contributions.test.ts): a renamed contextValue or a
 * command without a handler fails there, not silently in a menu.
 *
 * A new feature adds its section to COMMAND_IDS; TypeScript then demands a handler for each id
 * in the command table (src/extension/commands.ts).
 */
import type { EntryPointKind } from '../core/code/entryPoints';
import type { DeploymentStatus } from '../core/deploy/deployment';
import { RUN_STATUSES, type RunStatus } from '../shared/runModel';

export const COMMAND_IDS = {
  /** The kit: the backend and the log. */
  kit: ['mlwb.showOutput', 'mlwb.restartBackend'],
  runs: [
    'mlwb.refresh',
    'mlwb.openRun',
    'mlwb.runWithTracking',
    'mlwb.renameRun',
    'mlwb.tagRun',
    'mlwb.deleteRun',
    'mlwb.restoreRun',
    'mlwb.copyRunId',
    'mlwb.showDeletedRuns',
    'mlwb.hideDeletedRuns',
    'mlwb.compareRuns',
  ],
  notebooks: ['mlwb.compareCode', 'mlwb.installClient'],
  data: [
    'mlwb.data.snapshot',
    'mlwb.data.refresh',
    'mlwb.data.diff',
    'mlwb.data.preview',
    'mlwb.data.profile',
    'mlwb.data.drift',
    'mlwb.data.restore',
    'mlwb.data.openPreview',
  ],
  models: [
    'mlwb.models.register',
    'mlwb.models.refresh',
    'mlwb.models.setAlias',
    'mlwb.models.openCard',
    'mlwb.models.showDetails',
    'mlwb.models.compare',
    'mlwb.models.copyReference',
    'mlwb.models.deleteVersion',
    'mlwb.models.showDeleted',
    'mlwb.models.hideDeleted',
    'mlwb.models.restoreVersion',
    'mlwb.models.tryIt',
  ],
  deployments: [
    'mlwb.tryIt',
    /** One-click Deploy (last target) and Deploy… (pick target and port), on versions in the Models view. */
    'mlwb.models.deploy',
    'mlwb.models.deployTo',
    'mlwb.deployments.refresh',
    'mlwb.deployments.tryIt',
    'mlwb.deployments.showLogs',
    'mlwb.deployments.copyUrl',
    'mlwb.deployments.copyCurl',
    'mlwb.deployments.stop',
    'mlwb.deployments.restart',
    'mlwb.deployments.redeploy',
    'mlwb.deployments.rollback',
  ],
  packaging: ['mlwb.models.package'],
  monitor: ['mlwb.openMonitor'],
  mlflow: ['mlwb.mlflow.importRuns'],
} as const;

export type Feature = keyof typeof COMMAND_IDS;
export type CommandId<F extends Feature = Feature> = (typeof COMMAND_IDS)[F][number];

export const VIEW_IDS = {
  experiments: 'mlwb.experiments',
  data: 'mlwb.data',
  models: 'mlwb.models',
  deployments: 'mlwb.deployments',
} as const;

/** Context keys set with `setContext` and read by `when` clauses. */
export const CONTEXT_KEYS = {
  showDeletedRuns: 'mlwb.showDeletedRuns',
  showDeletedModels: 'mlwb.showDeletedModels',
} as const;

// A record, not a list, so a new kind in core fails to compile here until it is listed.
const ENTRY_POINT_KINDS = Object.keys({ script: true, notebook: true } satisfies Record<EntryPointKind, true>) as EntryPointKind[];

/** Tree item contextValues (`viewItem` in `when` clauses), by view. */
export const CONTEXT_VALUES = {
  experiments: {
    experiment: 'experiment',
    run: (status: RunStatus) => `run.${status}` as const,
    deletedRun: 'run.deleted',
    entryPoints: 'entryPoints',
    entryPoint: (kind: EntryPointKind) => `entryPoint.${kind}` as const,
  },
  data: {
    dataset: 'dataset',
    modifiedDataset: 'dataset.modified',
    snapshot: 'snapshot',
    metadataOnlySnapshot: 'snapshot.metadataOnly',
    snapshotRun: 'snapshotRun',
  },
  models: {
    model: 'model',
    version: 'modelVersion',
    /** A version registered from a run (its lineage can be followed). */
    runVersion: 'modelVersion.run',
    deletedVersion: 'modelVersion.deleted',
  },
  deployments: {
    /** Other features add to this menu by status (the monitoring work adds Open Monitor). */
    deployment: (status: DeploymentStatus) => `mlwb.deployment.${status}` as const,
  },
} as const;

// A record, not a list, so a new status in core fails to compile here until it is listed.
const DEPLOYMENT_STATUSES = Object.keys({ starting: 1, healthy: 1, unhealthy: 1, stopped: 1, failed: 1 } satisfies Record<
  DeploymentStatus,
  1
>) as DeploymentStatus[];

/** Every contextValue a view can set, for the test against package.json. */
export function allContextValues(): Record<keyof typeof CONTEXT_VALUES, string[]> {
  const e = CONTEXT_VALUES.experiments;
  const d = CONTEXT_VALUES.data;
  const m = CONTEXT_VALUES.models;
  return {
    experiments: [e.experiment, ...RUN_STATUSES.map(e.run), e.deletedRun, e.entryPoints, ...ENTRY_POINT_KINDS.map(e.entryPoint)],
    data: [d.dataset, d.modifiedDataset, d.snapshot, d.metadataOnlySnapshot, d.snapshotRun],
    models: [m.model, m.version, m.runVersion, m.deletedVersion],
    deployments: DEPLOYMENT_STATUSES.map(CONTEXT_VALUES.deployments.deployment),
  };
}
