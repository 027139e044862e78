import type { Db } from '../store/database';
import { getRunDetails } from '../runs/details';
import type { CardRunInfo } from './card';

/**
 * The run side of a version's lineage (data snapshots → run), read from the store. Undefined when
 * the version has no run or the run is not in the store (deleted logs, another workspace).
 */
export function runLineage(db: Db, runsDir: string, runId: string | null): CardRunInfo | undefined {
  if (!runId) return undefined;
  try {
    const d = getRunDetails(db, runsDir, runId);
    return {
      id: d.run.id,
      name: d.run.name,
      experiment: d.run.experiment,
      params: d.run.params,
      metrics: Object.fromEntries(Object.entries(d.run.metrics).map(([k, m]) => [k, m.last])),
      inputs: d.inputs.map((i) => ({ dataset: i.path, snapshot: i.snapshot_id })),
    };
  } catch {
    return undefined;
  }
}
