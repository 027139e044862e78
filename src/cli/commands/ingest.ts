import { Command } from 'commander';
import * as fs from 'node:fs';
import { openStore } from '../../core/store/database';
import { ingestWorkspace, rebuildStore, type WorkspaceIngestResult } from '../../core/ingest/workspaceIngest';
import { sweepDeadRuns } from '../../core/ingest/liveness';
import { MlwbError } from '../../core/errors';
import { findPaths, type CliContext } from '../context';
import type { Output } from '../output';

export function ingestCommand(ctx: CliContext, out: Output): Command {
  return new Command('ingest')
    .description('bring the store up to date with the run event logs (VS Code does this live; use it in CI or scripts)')
    .option('--rebuild', 'rebuild store.db from scratch from .mlwb/runs/*/events.jsonl (the old file is kept as a backup)')
    .option('--json', 'print the result as JSON')
    .action((opts: { rebuild?: boolean; json?: boolean }) => {
      const paths = findPaths(ctx);
      if (!paths || !fs.existsSync(paths.root)) {
        throw new MlwbError(`No .mlwb folder in ${ctx.cwd} or its parents: nothing to ingest.`, 'NOT_FOUND');
      }
      let result: WorkspaceIngestResult;
      let backup: string | undefined;
      let killed: string[];
      if (opts.rebuild) {
        ({ result, backup } = rebuildStore(paths));
        const db = openStore(paths.storeFile);
        killed = sweepDeadRuns(db);
        db.close();
      } else {
        const db = openStore(paths.storeFile);
        try {
          result = ingestWorkspace(db, paths);
          killed = sweepDeadRuns(db);
        } finally {
          db.close();
        }
      }
      const summary = {
        runs: result.runs.length,
        changed: result.changedRunIds.length,
        events: result.events,
        points: result.points,
        killed,
        backup: backup ?? null,
        issues: result.issues,
      };
      if (opts.json) return out.json(summary);
      out.line(`ingested ${summary.events} events (${summary.points} metric points) from ${summary.changed} of ${summary.runs} runs`);
      if (backup) out.line(`previous store kept as ${backup}`);
      if (killed.length) out.line(`marked ${killed.length} runs killed (their process is gone): ${killed.join(', ')}`);
      for (const issue of result.issues) out.error(`${issue.file}:${issue.line}: ${issue.message}`);
    });
}
