import { Command } from 'commander';
import { pushRuns } from '../../core/mlflow/push';
import { parseFilter } from '../../core/query/parser';
import { type CliContext, findPaths } from '../context';
import { openStore } from '../../core/store/database';
import { catchUpWorkspace } from '../../core/ingest/catchUp';
import { MlwbError } from '../../core/errors';
import type { Output } from '../output';

export function syncCommand(ctx: CliContext, out: Output): Command {
  const cmd = new Command('sync').description('exchange runs with a remote MLflow tracking server');
  cmd
    .command('push')
    .description('push runs to a remote MLflow tracking server; again: only what is new (resumes an interrupted push)')
    .requiredOption('--to <url>', 'the MLflow tracking server, e.g. http://mlflow.team:5000')
    .option('-e, --experiment <name>', 'only runs of this experiment')
    .option('-f, --filter <expr>', `MLflow search syntax, e.g. "metrics.loss < 0.3"`)
    .option('--json', 'print the counts as JSON')
    .action(async (opts: { to: string; experiment?: string; filter?: string; json?: boolean }) => {
      if (opts.filter) parseFilter(opts.filter); // a typo fails before any request
      const paths = findPaths(ctx);
      if (!paths) throw new MlwbError('No ML Workbench workspace here (no .mlwb folder): nothing to push.', 'NOT_FOUND');
      const db = openStore(paths.storeFile);
      try {
        catchUpWorkspace(db, paths);
        const result = await pushRuns(db, paths, opts.to, {
          experiment: opts.experiment,
          filter: opts.filter,
          // The same variables the mlflow client reads, so a shell set up for the team server works as is.
          auth: {
            token: ctx.env['MLFLOW_TRACKING_TOKEN'],
            username: ctx.env['MLFLOW_TRACKING_USERNAME'],
            password: ctx.env['MLFLOW_TRACKING_PASSWORD'],
          },
          onProgress: opts.json ? undefined : (done, total) => process.stderr.write(`\rpushing ${done}/${total} runs`),
        });
        if (!opts.json) process.stderr.write('\n');
        if (opts.json) return out.json(result);
        out.line(
          `Pushed ${result.runs - result.skipped} run(s) (${result.created} new, ${result.skipped} already complete): ` +
            `${result.metrics} metric point(s), ${result.params} param(s), ${result.tags} tag(s), ${result.artifacts} artifact(s) in ${result.requests} request(s).`,
        );
      } finally {
        db.close();
      }
    });
  return cmd;
}
