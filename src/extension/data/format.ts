/**
 * Text of the Data view's rows and tooltips: pure functions (no `vscode`), unit-tested in
 * test/unit/data-ui/.
 */
import type { DatasetSummary, SnapshotSummary } from '../../protocol/data';
import { formatBytes, formatDateTime, formatExactTime, formatRelativeTime } from '../../shared/format';

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
  return s.name ?? formatDateTime(s.created_at);
}

export function snapshotDescription(x: SnapshotSummary, now = Date.now()): string {
  const s = x.snapshot;
  const parts = [
    s.name ? formatRelativeTime(s.created_at, now) : '',
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
    `${formatExactTime(s.created_at)} · ${fileCount(s.file_count)} · ${formatBytes(s.total_bytes)}`,
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
    `latest ${formatRelativeTime(d.latest.created_at, now)}`,
  ].filter(Boolean);
  return parts.join(' · ');
}

export function datasetTooltip(d: DatasetSummary): string {
  const lines = [
    `**${escapeMarkdown(d.dataset)}**`,
    '',
    codeSpan(d.path),
    '',
    `${d.snapshots} snapshot${d.snapshots === 1 ? '' : 's'}; latest ${formatExactTime(d.latest.created_at)}`,
  ];
  if (!d.exists) lines.push('', 'The dataset no longer exists on disk; restore a snapshot to bring it back.');
  else if (d.modified && d.changes) {
    lines.push('', `Modified since the last snapshot: ${d.changes.added} added, ${d.changes.removed} removed, ${d.changes.changed} changed (from file stats).`);
  } else if (d.modified === false) lines.push('', 'Unchanged since the last snapshot.');
  return lines.join('\n');
}

/**
 * Inline code in Markdown. Backslash escapes do not apply inside a code span (they would show
 * literally), so the text goes in as is, fenced by more backticks than it contains in a row.
 */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
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
