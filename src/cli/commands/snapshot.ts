import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { MlwbError } from '../../core/errors';
import { openStore, type Db } from '../../core/store/database';
import { ensureWorkspace, resolveWorkspaceDirForWrite, type WorkspacePaths } from '../../core/workspace';
import { createSnapshot } from '../../core/snapshots/create';
import { datasetName } from '../../core/snapshots/dataset';
import { loadManifest } from '../../core/snapshots/manifest';
import type { Snapshot, SnapshotProgress } from '../../core/snapshots/model';
import { listSnapshots, resolveSnapshot } from '../../core/snapshots/store';
import { type CliContext, findPaths } from '../cliPaths';
import { type Output, consoleOutput, formatTable } from '../output';
import { formatBytes } from '../../shared/format';

// diff (with the table readers), restore and lineage load when their command runs: `snapshot
// create` is timed against OpenSSL, and its start-up loaded them for nothing.
const lazy = {
  diff: () => import('../../core/snapshots/diff'),
  restore: () => import('../../core/snapshots/restore'),
  lineage: () => import('../../core/snapshots/lineage'),
};

export function snapshotCommand(ctx: CliContext, out: Output): Command {
  const cmd = new Command('snapshot').description('content-addressed snapshots of data files and folders');

  cmd
    .command('create <path>')
    .description(
      'snapshot a file or folder. By default the content is copied (deduplicated) into .mlwb/objects/ so the ' +
        'snapshot can be restored; --metadata-only records hashes only. Unchanged files (same size, mtime, inode) are not read again.',
    )
    .option('--name <name>', 'a name for this snapshot')
    .option('--metadata-only', 'record hashes without copying content (for data too large to copy; cannot be restored)')
    .option('--json', 'print the snapshot as JSON')
    .action(async (target: string, opts: { name?: string; metadataOnly?: boolean; json?: boolean }) => {
      const paths = ensureWorkspace(resolveWorkspaceDirForWrite(ctx.cwd, ctx.env));
      await withDb(paths, async (db) => {
        const r = await cancellable((signal) =>
          createSnapshot(db, paths, path.resolve(ctx.cwd, target), {
            name: opts.name,
            metadataOnly: opts.metadataOnly,
            // This process does nothing else meanwhile: its thread hashes too (one worker fewer to boot).
            hashOnThisThread: true,
            statsFromHashing: true,
            signal,
            onProgress: progressPrinter(out),
          }),
        ).finally(() => endProgress(out));
        if (opts.json) return out.json({ ...r.snapshot, stats: r.stats });
        const s = r.snapshot;
        out.line(
          `Snapshot ${s.id} of ${s.dataset}${s.name ? ` (${s.name})` : ''}: ${s.file_count} files, ${formatBytes(s.total_bytes)}` +
            `${s.metadata_only ? ', metadata only' : ''} — ${r.stats.hashed_files} hashed, ${r.stats.reused_files} unchanged, ${r.stats.stored_objects} new objects.`,
        );
        printIssues(out, s);
      });
    });

  cmd
    .command('list')
    .description('list snapshots, newest first')
    .option('--json', 'print a JSON array of snapshots')
    .option('--dataset <path>', 'only snapshots of this file or folder')
    .action(async (opts: { json?: boolean; dataset?: string }) => {
      const paths = findPaths(ctx);
      const list =
        paths && fs.existsSync(paths.storeFile)
          ? await withDb(paths, async (db) =>
              listSnapshots(db, { dataset: opts.dataset !== undefined ? datasetName(paths, path.resolve(ctx.cwd, opts.dataset)) : undefined }),
            )
          : [];
      if (opts.json) return out.json(list);
      if (list.length === 0) return out.line('No snapshots yet. Take one with `mlwb snapshot create <path>`.');
      out.line(
        formatTable(
          ['ID', 'DATASET', 'NAME', 'CREATED', 'FILES', 'SIZE', 'FLAGS'],
          list.map((s) => [s.id, s.dataset, s.name ?? '', s.created_at, String(s.file_count), formatBytes(s.total_bytes), flags(s)]),
        ),
      );
    });

  cmd
    .command('show <snapshot>')
    .description('show one snapshot: its files and the runs that used it')
    .option('--json', 'print {snapshot, files, runs} as JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      await withExisting(ctx, async (db, paths) => {
        const s = resolveSnapshot(db, ref);
        const files = loadManifest(paths.objectsDir, s.manifest).entries;
        const runs = (await lazy.lineage()).listRunsUsingSnapshot(db, s.id);
        if (opts.json) return out.json({ snapshot: s, files, runs });
        out.line(`${s.id} — ${s.dataset}${s.name ? ` (${s.name})` : ''} — ${s.created_at} — ${s.file_count} files, ${formatBytes(s.total_bytes)} ${flags(s)}`);
        for (const f of files)
          out.line(`  ${f.sha256.slice(0, 12) || '(dir link)  '}  ${formatBytes(f.size).padStart(9)}  ${f.path}${f.link ? ` -> ${f.link}` : ''}`);
        for (const r of runs) out.line(`  used by run ${r.run_id}${r.run_name ? ` (${r.run_name})` : ''} as ${r.path}`);
        printIssues(out, s);
      });
    });

  cmd
    .command('diff <a> <b>')
    .description('files added, removed and modified from snapshot A to B (ids, id prefixes, names, or <dataset>@latest)')
    .option('--json', 'print {added, removed, modified} as JSON (paths relative to the snapshot root)')
    .action(async (a: string, b: string, opts: { json?: boolean }) => {
      await withExisting(ctx, async (db, paths) => {
        const d = await (await lazy.diff()).diffSnapshots(db, paths, a, b, { tabular: !opts.json });
        if (opts.json) return out.json({ added: d.added, removed: d.removed, modified: d.modified });
        if (d.files.length === 0) return out.line(`No differences between ${d.a} and ${d.b}.`);
        const size = (n: number | null) => (n === null ? '' : formatBytes(n));
        out.line(
          formatTable(
            ['STATUS', 'PATH', 'SIZE A', 'SIZE B'],
            d.files.map((f) => [f.status, f.path, size(f.size_a), size(f.size_b)]),
          ),
        );
        for (const t of d.tabular) {
          const parts = [`rows ${t.rows_a ?? '—'} → ${t.rows_b ?? '—'}`];
          if (t.columns_added.length) parts.push(`columns added: ${t.columns_added.join(', ')}`);
          if (t.columns_removed.length) parts.push(`columns removed: ${t.columns_removed.join(', ')}`);
          for (const c of t.type_changed) parts.push(`${c.column}: ${c.from} → ${c.to}`);
          if (t.note) parts.push(`(${t.note})`);
          out.line(`  ${t.path}: ${parts.join('; ')}`);
        }
      });
    });

  cmd
    .command('restore <snapshot>')
    .description("restore a snapshot's files (to the dataset's path unless --to); refuses to overwrite local changes without --force")
    .option('--to <path>', 'restore into this path instead')
    .option('--force', 'overwrite files that differ from the snapshot')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, opts: { to?: string; force?: boolean; json?: boolean }) => {
      await withExisting(ctx, async (db, paths) => {
        const { restoreSnapshot } = await lazy.restore();
        const r = await cancellable((signal) =>
          restoreSnapshot(db, paths, ref, { to: opts.to !== undefined ? path.resolve(ctx.cwd, opts.to) : undefined, force: opts.force, signal }),
        );
        if (opts.json) return out.json(r);
        out.line(
          `Restored ${r.written.length} file(s) of ${r.snapshot} into ${r.target} (${r.unchanged} already up to date${r.overwritten.length ? `, ${r.overwritten.length} overwritten` : ''}).`,
        );
      });
    });

  return cmd;
}

async function withDb<T>(paths: WorkspacePaths, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = openStore(paths.storeFile);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

async function withExisting<T>(ctx: CliContext, fn: (db: Db, paths: WorkspacePaths) => Promise<T>): Promise<T> {
  const paths = findPaths(ctx);
  if (!paths || !fs.existsSync(paths.storeFile)) {
    throw new MlwbError('No snapshots here (no ML Workbench workspace found). Take one with `mlwb snapshot create <path>`.', 'NOT_FOUND');
  }
  return withDb(paths, (db) => fn(db, paths));
}

/** Ctrl-C cancels cleanly (temp files removed) instead of killing the process mid-write. */
async function cancellable<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    return await fn(ac.signal);
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw new MlwbError('Cancelled; nothing was recorded.', 'CANCELLED');
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** Progress on stderr, only for a person at a terminal (never in pipes, tests or JSON consumers). */
function progressPrinter(out: Output): ((p: SnapshotProgress) => void) | undefined {
  if (out !== consoleOutput || !process.stderr.isTTY) return undefined;
  return (p) => {
    // A first snapshot lists files without their sizes (statsFromHashing): no byte total then.
    const pct = Math.floor(p.bytes_total ? (100 * p.bytes_done) / p.bytes_total : p.files_total ? (100 * p.files_done) / p.files_total : 0);
    const bytes = p.bytes_total ? `${formatBytes(p.bytes_done)}/${formatBytes(p.bytes_total)}` : formatBytes(p.bytes_done);
    const text = p.phase === 'scan' ? `scanning… ${p.files_total} files` : `${p.phase} ${pct}% — ${p.files_done}/${p.files_total} files, ${bytes}`;
    process.stderr.write(`\r\x1b[2K${text}`);
  };
}

function endProgress(out: Output): void {
  if (out === consoleOutput && process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}

function printIssues(out: Output, s: Snapshot): void {
  if (s.partial) out.error(`Partial snapshot: ${s.errors.filter((e) => e.kind !== 'skipped' && e.kind !== 'loop').length} file(s) could not be captured:`);
  else if (s.errors.length) out.error('Notes:');
  for (const e of s.errors) out.error(`  ${e.path}: ${e.kind}: ${e.message}`);
}

function flags(s: Snapshot): string {
  return [s.metadata_only ? 'metadata-only' : '', s.partial ? 'partial' : ''].filter(Boolean).join(',');
}
