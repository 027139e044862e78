import { Command } from 'commander';
import { getRun, getMetricPoints, listRuns } from '../../core/runs/queries';
import { MlwbError } from '../../core/errors';
import type { Run } from '../../core/runs/model';
import { type CliContext, withCurrentStore } from '../context';
import { type Output, formatTable } from '../output';

export function runsCommand(ctx: CliContext, out: Output): Command {
  const runs = new Command('runs').description('list and inspect tracked runs');

  runs
    .command('list')
    .description('list runs, newest first')
    .option('--json', 'print a JSON array of runs')
    .option('-e, --experiment <name>', 'only runs of this experiment')
    .option('--deleted', 'include deleted runs')
    .option('-n, --limit <n>', 'at most n runs', parsePositiveInt)
    .action((opts: { json?: boolean; experiment?: string; deleted?: boolean; limit?: number }) => {
      const list = withCurrentStore<Run[]>(ctx, [], (db) =>
        listRuns(db, { experiment: opts.experiment, includeDeleted: opts.deleted, limit: opts.limit }),
      );
      if (opts.json) return out.json(list);
      if (list.length === 0) return out.line('No runs yet. Log one with `import mlwb` in a training script (see README).');
      out.line(
        formatTable(
          ['ID', 'EXPERIMENT', 'NAME', 'STATUS', 'STARTED'],
          list.map((r) => [r.id, r.experiment, r.name, r.status, r.start_time]),
        ),
      );
    });

  runs
    .command('show <id>')
    .description('show one run')
    .option('--json', 'print the run as JSON')
    .option('-m, --metric <key>', 'include the full series of this metric as `points`')
    .action((id: string, opts: { json?: boolean; metric?: string }) => {
      const result = withCurrentStore<(Run & { points?: unknown }) | undefined>(ctx, undefined, (db) => {
        const run: Run & { points?: unknown } = getRun(db, id);
        if (opts.metric !== undefined) run.points = getMetricPoints(db, id, opts.metric);
        return run;
      });
      if (!result) throw new MlwbError(`No run with id ${id} (this workspace has no runs yet).`, 'NOT_FOUND');
      if (opts.json) return out.json(result);
      out.line(`${result.name} (${result.id}) — ${result.experiment} — ${result.status}`);
      out.line(`started ${result.start_time}${result.end_time ? `, ended ${result.end_time}` : ''}`);
      for (const [k, v] of Object.entries(result.params)) out.line(`  param  ${k} = ${v}`);
      for (const [k, m] of Object.entries(result.metrics)) out.line(`  metric ${k}: last ${m.last}, min ${m.min}, max ${m.max}, ${m.count} points`);
      for (const [k, v] of Object.entries(result.tags)) out.line(`  tag    ${k} = ${v}`);
    });

  return runs;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new MlwbError(`Expected a non-negative whole number, got "${value}".`, 'INVALID_ARGUMENT');
  return n;
}
