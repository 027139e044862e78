/**
 * The deploy targets by kind. `local` is built in; container, kubernetes and custom targets from
 * mlwb.yaml join the list where the table is built (callers pass the list, nothing here assumes
 * local is the only one), and the Deploy… picker shows whatever the table holds.
 */
import { MlwbError } from '../../errors';
import type { DeployTarget } from '../target';
import { localTarget, type LocalTargetOptions } from './local';

export type TargetTable = ReadonlyMap<string, DeployTarget>;

export function targetTable(targets: readonly DeployTarget[]): TargetTable {
  const table = new Map<string, DeployTarget>();
  for (const t of targets) {
    if (table.has(t.kind)) throw new MlwbError(`Two deploy targets are named "${t.kind}".`, 'INVALID_ARGUMENT');
    table.set(t.kind, t);
  }
  return table;
}

/** The targets this machine offers for a workspace. */
export function builtinTargets(_workspaceRoot: string, local: LocalTargetOptions = {}): DeployTarget[] {
  return [localTarget(local)];
}

export function findTarget(table: TargetTable, kind: string): DeployTarget {
  const t = table.get(kind);
  if (!t) throw new MlwbError(`No deploy target "${kind}" (targets: ${[...table.keys()].join(', ')}).`, 'INVALID_ARGUMENT');
  return t;
}
