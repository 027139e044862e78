import type { Db } from '../core/store/database';
import { MlwbError } from '../core/errors';
import { getRun } from '../core/runs/queries';
import type { Run } from '../shared/runModel';

/** How many candidates an ambiguous reference lists before "… and N more". */
const SHOWN_CANDIDATES = 5;

/**
 * A run named on the command line: its full id, a unique id prefix, or a unique run name (as
 * `snapshot diff` takes snapshots). An ambiguous reference fails with the candidates, so the user
 * can pick one by id without another command.
 */
export function resolveRun(db: Db, ref: string): Run {
  const exact = db.prepare('SELECT id FROM runs WHERE id = ?').get(ref) as { id: string } | undefined;
  if (exact) return getRun(db, exact.id);
  // substr() rather than LIKE: an id prefix is taken literally, '%' and '_' included.
  const rows = db
    .prepare(
      `SELECT r.id, r.name, e.name AS experiment FROM runs r JOIN experiments e ON e.id = r.experiment_id
       WHERE substr(r.id, 1, length(@ref)) = @ref OR r.name = @ref ORDER BY r.start_time DESC LIMIT ${SHOWN_CANDIDATES + 1}`,
    )
    .all({ ref }) as { id: string; name: string; experiment: string }[];
  if (rows.length === 1) return getRun(db, rows[0]!.id);
  if (rows.length === 0)
    throw new MlwbError(`No run matches "${ref}" (give a run id, a unique id prefix or a unique run name; \`mlwb runs list\` shows them).`, 'NOT_FOUND');
  const total = (db.prepare('SELECT count(*) AS n FROM runs WHERE substr(id, 1, length(@ref)) = @ref OR name = @ref').get({ ref }) as { n: number }).n;
  const lines = rows.slice(0, SHOWN_CANDIDATES).map((r) => `  ${r.id}  ${r.name}  (${r.experiment})`);
  if (total > SHOWN_CANDIDATES) lines.push(`  … and ${total - SHOWN_CANDIDATES} more`);
  throw new MlwbError(`"${ref}" matches ${total} runs; give the id (or more of it):\n${lines.join('\n')}`, 'INVALID_ARGUMENT');
}
