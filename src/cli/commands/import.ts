import { Command } from 'commander';
import { importMlflow } from '../../core/mlflow/importer';
import { openStore } from '../../core/store/database';
import { catchUpWorkspace } from '../../core/ingest/catchUp';
import { ensureWorkspace, resolveWorkspaceDirForWrite } from '../../core/workspace';
import type { CliContext } from '../context';
import type { Output } from '../output';

export function importCommand(ctx: CliContext, out: Output): Command {
  const cmd = new Command('import').description('import runs from other tools');
  cmd
    .command('mlflow <path>')
    .description('import an MLflow mlruns/ folder or mlflow.db SQLite store (again: only what is new)')
    .option('--json', 'print the counts as JSON')
    .action(async (source: string, opts: { json?: boolean }) => {
      const paths = ensureWorkspace(resolveWorkspaceDirForWrite(ctx.cwd, ctx.env));
      const result = await importMlflow(paths, source.startsWith('/') ? source : `${ctx.cwd}/${source}`, {
        onProgress: opts.json ? undefined : (done, total) => process.stderr.write(`\rimporting ${done}/${total} runs`),
      });
      if (!opts.json) process.stderr.write('\n');
      // Index what was written, so the next listing (and VS Code) has it at once.
      const db = openStore(paths.storeFile);
      try {
        catchUpWorkspace(db, paths);
      } finally {
        db.close();
      }
      if (opts.json) return out.json(result);
      out.line(
        `Imported ${result.created} new run(s), updated ${result.updated}, ${result.unchanged} unchanged; ${result.points} metric point(s), ${result.artifacts} artifact file(s).`,
      );
    });
  return cmd;
}
