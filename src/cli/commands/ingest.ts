import { Command } from 'commander';
import * as fs from 'node:fs';
import { openStore } from '../../core/store/database';
import { ingestWorkspace, rebuildStore, type WorkspaceIngestResult } from '../../core/ingest/workspaceIngest';
import { sweepDeadRuns } from '../../core/ingest/liveness';
import { linkRunInput } from '../../core/snapshots';
import { MlwbError } from '../../core/errors';
import { findPaths, type CliContext } from '../context';
import type { Output } from '../output';

export function ingestCommand(ctx: CliContext, out: Output): Command {
  return new Command('ingest')
    .description('bring the store up to date with the run event logs (VS Code does this live; use it in CI or scripts)')
    .option('--rebuild', 'rebuild store.db from scratch from .mlwb/runs/*/events.jsonl (the old file is kept as a backup)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { rebuild?: boolean; json?: boolean }) => {
      const paths = findPaths(ctx);
      if (!paths || !fs.existsSync(paths.root)) {
        throw new MlwbError(`No .mlwb folder in ${ctx.cwd} or its parents: nothing to ingest.`, 'NOT_FOUND');
      }
      let result: WorkspaceIngestResult;
      let backup: string | undefined;
      let killed: string[];
      let linked = 0;
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
          // Link each run to a snapshot of the data it logged reading (run.log_input), as the VS Code
          // backend does while it ingests: these events are read once, so a backend opened later
          // would never see them again and the run would stay without lineage. (A rebuild restores
          // the links recorded in snapshots/lineage.jsonl instead.)
          for (const run of result.runs) {
            for (const { path: p, ts } of run.inputs) {
              try {
                await linkRunInput(db, paths, run.runId, p, { readAtMs: ts });
                linked++;
              } catch (e) {
                out.error(`run ${run.runId}: input ${p} not linked: ${e instanceof Error ? e.message : String(e)}`);
              }
            }
          }
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
        linked_inputs: linked,
        backup: backup ?? null,
        issues: result.issues,
      };
      if (opts.json) return out.json(summary);
      out.line(`ingested ${summary.events} events (${summary.points} metric points) from ${summary.changed} of ${summary.runs} runs`);
      if (linked) out.line(`linked ${linked} run input${linked === 1 ? '' : 's'} to data snapshots`);
      if (backup) out.line(`previous store kept as ${backup}`);
      if (killed.length) out.line(`marked ${killed.length} runs killed (their process is gone): ${killed.join(', ')}`);
      for (const issue of result.issues) out.error(`${issue.file}:${issue.line}: ${issue.message}`);
    });
}
