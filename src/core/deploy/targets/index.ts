/**
 * The deploy targets by kind. `local` is built in; container, kubernetes and custom targets from
 * mlwb.yaml join the list where the table is built (callers pass the list, nothing here assumes
 * local is the only one), and the Deploy… picker shows whatever the table holds.
 */
import { MlwbError } from '../../errors';
import type { DeployTarget } from '../target';
import { containerTarget } from './container';
import { customTargets } from './custom';
import { kubernetesTarget } from './kubernetes';
import { localTarget, type LocalTargetOptions } from './local';

export interface TargetTable extends ReadonlyMap<string, DeployTarget> {
  /** Why mlwb.yaml's custom targets are missing (a bad file); shown when one of them is asked for. */
  readonly configProblem?: Error;
}

export function targetTable(targets: readonly DeployTarget[], configProblem?: Error): TargetTable {
  const table = new Map<string, DeployTarget>();
  for (const t of targets) {
    if (table.has(t.kind)) throw new MlwbError(`Two deploy targets are named "${t.kind}".`, 'INVALID_ARGUMENT');
    table.set(t.kind, t);
  }
  return Object.assign(table, configProblem ? { configProblem } : {});
}

/** The built-in targets. */
export function builtinTargets(local: LocalTargetOptions = {}): DeployTarget[] {
  return [localTarget(local), containerTarget, kubernetesTarget];
}

/**
 * The targets a workspace offers: the built-ins plus mlwb.yaml's custom ones, read afresh on every
 * call so an edited mlwb.yaml counts without a restart. A bad mlwb.yaml does not take local deploys
 * down with it: its error is kept and shown when a target it would define is asked for.
 */
export function workspaceTargets(workspaceRoot: string, local: LocalTargetOptions = {}): TargetTable {
  const builtins = builtinTargets(local);
  try {
    return targetTable([...builtins, ...customTargets(workspaceRoot).values()]);
  } catch (e) {
    return targetTable(builtins, e instanceof Error ? e : new Error(String(e)));
  }
}

export function findTarget(table: TargetTable, kind: string): DeployTarget {
  const t = table.get(kind);
  if (t) return t;
  if (table.configProblem) throw table.configProblem;
  throw new MlwbError(`No deploy target "${kind}" (targets: ${[...table.keys()].join(', ')}).`, 'INVALID_ARGUMENT');
}
