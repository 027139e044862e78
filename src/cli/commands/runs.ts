import { Command, CommanderError } from 'commander';
import { getMetricPoints } from '../../core/runs/queries';
import { formatMetricValue } from '../../shared/format';
import { fieldId } from '../../core/query/fields';
import { type FilterExpr, type OrderKey, parseFilter, parseOrderBy } from '../../core/query/parser';
import { queryRuns } from '../../core/query/runs';
import { formatFilterError, isFilterSyntaxError } from '../../core/query/syntaxError';
import { MlwbError } from '../../core/errors';
import type { Run } from '../../shared/runModel';
import { type CliContext, missingWorkspaceMessage, withCurrentStore } from '../context';
import { resolveRun } from '../runRef';
import { type Output, formatTable } from '../output';

export function runsCommand(ctx: CliContext, out: Output): Command {
  const runs = new Command('runs').description('list and inspect tracked runs');

  runs
    .command('list')
    .description('list runs, newest first (or as --order-by says)')
    .option('--json', 'print a JSON array of runs')
    .option('-e, --experiment <name>', 'only runs of this experiment')
    .option('--deleted', 'include deleted runs')
    .option('-n, --limit <n>', 'at most n runs', parsePositiveInt)
    .option('-f, --filter <expr>', `MLflow search syntax, e.g. "metrics.loss < 0.3 and params.optimizer = 'adam'"`)
    .option('-o, --order-by <expr...>', 'MLflow order-by clauses, e.g. "metrics.loss ASC" "start_time DESC"')
    .action((opts: { json?: boolean; experiment?: string; deleted?: boolean; limit?: number; filter?: string; orderBy?: string[] }) => {
      // Check the expressions before touching the store, so a typo fails fast even in an empty folder.
      const query = checkedQuery(out, opts.filter, opts.orderBy);
      const list = withCurrentStore<Run[]>(
        ctx,
        [],
        (db) =>
          queryRuns(db, {
            ...query,
            experimentNames: opts.experiment !== undefined ? [opts.experiment] : undefined,
            includeDeleted: opts.deleted,
            limit: opts.limit,
            withTotal: false,
          }).runs,
      );
      if (opts.json) return out.json(list);
      if (list.length === 0) {
        const missing = missingWorkspaceMessage(ctx);
        if (missing) return out.line(missing);
        return out.line(opts.filter ? 'No runs match the filter.' : 'No runs yet. Log one with `import mlwb` in a training script (see README).');
      }
      // Show the values the list is sorted by, so the order explains itself.
      const sortColumns = (query.orderBy ?? []).filter((k) => k.field.entity !== 'attribute');
      out.line(
        formatTable(
          ['ID', 'EXPERIMENT', 'NAME', 'STATUS', 'STARTED', ...sortColumns.map((k) => fieldId(k.field.entity, k.field.key).toUpperCase())],
          list.map((r) => [r.id, r.experiment, r.name, r.status, r.start_time, ...sortColumns.map((k) => cellText(r, k))]),
        ),
      );
    });

  runs
    .command('show <run>')
    .description('show one run, named by its id, a unique id prefix or a unique name')
    .option('--json', 'print the run as JSON')
    .option('-m, --metric <key>', 'include the full series of this metric as `points`')
    .action((ref: string, opts: { json?: boolean; metric?: string }) => {
      const result = withCurrentStore<(Run & { points?: unknown }) | undefined>(ctx, undefined, (db) => {
        const run: Run & { points?: unknown } = resolveRun(db, ref);
        if (opts.metric !== undefined) run.points = getMetricPoints(db, run.id, opts.metric);
        return run;
      });
      if (!result) throw new MlwbError(missingWorkspaceMessage(ctx) ?? `No run matches "${ref}" (this workspace has no runs yet).`, 'NOT_FOUND');
      if (opts.json) return out.json(result);
      for (const line of runText(result)) out.line(line);
    });

  return runs;
}

/**
 * Parses --filter and --order-by; a mistake prints the message with a caret under the column and
 * exits with status 2 (a usage error, like commander's own).
 */
function checkedQuery(out: Output, filter: string | undefined, orderBy: string[] | undefined): { filter?: FilterExpr; orderBy?: OrderKey[] } {
  const parse = <T>(option: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (!isFilterSyntaxError(e)) throw e;
      out.error(`mlwb: invalid ${option}: ${formatFilterError(e)}`);
      throw new CommanderError(2, 'mlwb.invalidExpression', e.message);
    }
  };
  return {
    filter: filter !== undefined ? parse('--filter', () => parseFilter(filter)) : undefined,
    orderBy: orderBy !== undefined ? parse('--order-by', () => orderBy.flatMap((o) => parseOrderBy(o))) : undefined,
  };
}

/** The plain-text `runs show`: values rounded for reading (`--json` keeps full precision). */
export function runText(run: Run): string[] {
  const lines = [`${run.name} (${run.id}) — ${run.experiment} — ${run.status}`, `started ${run.start_time}${run.end_time ? `, ended ${run.end_time}` : ''}`];
  for (const [k, v] of Object.entries(run.params)) lines.push(`  param  ${k} = ${v}`);
  for (const [k, m] of Object.entries(run.metrics)) {
    const points = `${m.count.toLocaleString('en-US')} point${m.count === 1 ? '' : 's'}`;
    lines.push(`  metric ${k}: last ${formatMetricValue(m.last)}, min ${formatMetricValue(m.min)}, max ${formatMetricValue(m.max)}, ${points}`);
  }
  for (const [k, v] of Object.entries(run.tags)) lines.push(`  tag    ${k} = ${v}`);
  return lines;
}

function cellText(run: Run, key: OrderKey): string {
  const { entity, key: name } = key.field;
  if (entity === 'metric') {
    const m = run.metrics[name];
    return m ? formatMetricValue(m[key.aggregate ?? 'last']) : '-';
  }
  return (entity === 'param' ? run.params[name] : run.tags[name]) ?? '-';
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new MlwbError(`Expected a non-negative whole number, got "${value}".`, 'INVALID_ARGUMENT');
  return n;
}
