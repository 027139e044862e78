/**
 * Text of the Data view's rows and tooltips: pure functions (no `vscode`), unit-tested in
 * test/unit/data-ui/.
 */
import type { DatasetSummary, SnapshotSummary } from '../../protocol/data';
import { formatBytes } from '../../shared/format';

/** "just now", "5 min ago", "3 h ago", "2 days ago", else the date. */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  if (s < 7 * 86_400) return `${Math.round(s / 86_400)} days ago`;
  return new Date(t).toISOString().slice(0, 10);
}

/** "+2 −1 ~3" (added, removed, modified), '' when nothing changed, 'first' for a first snapshot. */
export function changeText(change: SnapshotSummary['change']): string {
  if (!change) return 'first';
  const parts = [change.added ? `+${change.added}` : '', change.removed ? `−${change.removed}` : '', change.modified ? `~${change.modified}` : ''].filter(
    Boolean,
  );
  return parts.length ? parts.join(' ') : 'unchanged';
}

export function fileCount(n: number): string {
  return `${n.toLocaleString('en-US')} file${n === 1 ? '' : 's'}`;
}

/** The snapshot row: its name, else its time. */
export function snapshotLabel(s: SnapshotSummary['snapshot']): string {
  const time = new Date(s.created_at).toLocaleString();
  return s.name ? `${s.name}` : time;
}

export function snapshotDescription(x: SnapshotSummary, now = Date.now()): string {
  const s = x.snapshot;
  const parts = [
    s.name ? relativeTime(s.created_at, now) : '',
    fileCount(s.file_count),
    formatBytes(s.total_bytes),
    changeText(x.change),
    s.metadata_only ? 'metadata only' : '',
    s.partial ? 'partial' : '',
    x.runs.length ? `${x.runs.length} run${x.runs.length === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return parts.join(' · ');
}

/** Markdown for a snapshot's tooltip: id, time, size, change, problems, and the runs that used it. */
export function snapshotTooltip(x: SnapshotSummary): string {
  const s = x.snapshot;
  const lines = [
    `**${escapeMarkdown(s.name ?? s.dataset)}** — snapshot \`${s.id}\``,
    '',
    `${new Date(s.created_at).toLocaleString()} · ${fileCount(s.file_count)} · ${formatBytes(s.total_bytes)}`,
    '',
    x.change
      ? `Since the previous snapshot: ${x.change.added} added, ${x.change.removed} removed, ${x.change.modified} modified`
      : 'First snapshot of this dataset',
  ];
  if (s.metadata_only) lines.push('', 'Metadata only: hashes were recorded, content was not copied (cannot be restored or previewed).');
  if (s.partial) lines.push('', `Partial: ${s.errors.filter((e) => e.kind !== 'skipped' && e.kind !== 'loop').length} file(s) could not be captured.`);
  if (x.runs.length) {
    lines.push('', `Used by ${x.runs.length} run${x.runs.length === 1 ? '' : 's'}:`);
    for (const r of x.runs.slice(0, 10)) lines.push(`- ${escapeMarkdown(r.run_name ?? r.run_id)} (${r.status ?? 'unknown'})`);
    if (x.runs.length > 10) lines.push(`- … and ${x.runs.length - 10} more`);
  } else {
    lines.push('', 'No run has used this snapshot yet.');
  }
  return lines.join('\n');
}

export function datasetDescription(d: DatasetSummary, now = Date.now()): string {
  const parts = [
    !d.exists ? 'missing on disk' : d.modified ? 'modified since last snapshot' : '',
    `${d.snapshots} snapshot${d.snapshots === 1 ? '' : 's'}`,
    `latest ${relativeTime(d.latest.created_at, now)}`,
  ].filter(Boolean);
  return parts.join(' · ');
}

export function datasetTooltip(d: DatasetSummary): string {
  const lines = [
    `**${escapeMarkdown(d.dataset)}**`,
    '',
    `\`${escapeMarkdown(d.path)}\``,
    '',
    `${d.snapshots} snapshot(s); latest ${new Date(d.latest.created_at).toLocaleString()}`,
  ];
  if (!d.exists) lines.push('', 'The dataset no longer exists on disk; restore a snapshot to bring it back.');
  else if (d.modified && d.changes) {
    lines.push('', `Modified since the last snapshot: ${d.changes.added} added, ${d.changes.removed} removed, ${d.changes.changed} changed (from file stats).`);
  } else if (d.modified === false) lines.push('', 'Unchanged since the last snapshot.');
  return lines.join('\n');
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}

/** A progress message for a snapshot: "Hashing 120/2,000 files (1.2 GB of 4 GB)". */
export function progressMessage(p: { phase: string; files_done: number; files_total: number; bytes_done: number; bytes_total: number }): string {
  if (p.phase === 'scan') return `Scanning: ${fileCount(p.files_total)} (${formatBytes(p.bytes_total)}) found`;
  const verb = p.phase === 'store' ? 'Storing' : 'Hashing';
  return `${verb} ${p.files_done.toLocaleString('en-US')}/${fileCount(p.files_total)} (${formatBytes(p.bytes_done)} of ${formatBytes(p.bytes_total)})`;
}

/** Share of the work done, in percent [0, 100], by bytes (files when sizes are 0). */
export function progressPercent(p: { phase: string; files_done: number; files_total: number; bytes_done: number; bytes_total: number }): number {
  if (p.phase === 'scan') return 0;
  if (p.bytes_total > 0) return Math.min(100, (100 * p.bytes_done) / p.bytes_total);
  return p.files_total > 0 ? Math.min(100, (100 * p.files_done) / p.files_total) : 0;
}
