/**
 * RunDetailsData → what the panel displays, as plain strings and flags. DOM-free so the rules
 * (formatting, NaN/∞, quoting, image detection) are unit-tested in node.
 */
import { STATUS_ICON, formatBytes, formatDateTime, formatDuration, formatExactTime, formatMetricValue } from '../../src/shared/format';
import type { RunStatus } from '../../src/shared/runModel';
import type { RunDetailsData } from '../../src/protocol/webview/runDetails';

export interface MetricRow {
  key: string;
  last: string;
  min: string;
  max: string;
  count: number;
  lastStep: number;
}

export interface ArtifactRow {
  path: string;
  name: string;
  size: string;
  /** Webview URI for an inline thumbnail, only for image files. */
  previewUri: string | null;
}

export interface RunDetailsViewModel {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  /** Codicon name and whether it spins (running). */
  statusIcon: { name: string; spin: boolean };
  lifecycle: 'active' | 'deleted';
  started: string;
  ended: string;
  /** The exact times, with seconds, for tooltips. */
  startedExact: string;
  endedExact: string;
  error: string | null;
  source: { path: string; label: string; kind: string | null } | null;
  git: { commit: string; shortCommit: string; branch: string | null; dirty: boolean; hasDiff: boolean; diffTruncated: boolean } | null;
  commandLine: string | null;
  pythonVersion: string | null;
  executable: string | null;
  cwd: string | null;
  /** null when the run did not capture packages (MLWB_CAPTURE_ENV=0 or an MLflow client). */
  packages: string[] | null;
  contextError: string | null;
  hasContext: boolean;
  params: [string, string][];
  tags: [string, string][];
  metrics: MetricRow[];
  artifacts: ArtifactRow[];
  output: { text: string; truncated: boolean };
  issues: { line: number; message: string }[];
}

const byKey = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true });
const IMAGE = /\.(png|jpe?g|gif|webp|svg|bmp|ico|avif)$/i;

export function buildViewModel(d: RunDetailsData, artifactsBaseUri: string | null): RunDetailsViewModel {
  const { run } = d;
  const ctx = d.context;
  const icon = STATUS_ICON[run.status] ?? 'question';
  const sourcePath = run.source.path ?? ctx?.source?.path ?? null;
  const git = ctx?.git;
  return {
    id: run.id,
    name: run.name,
    experiment: run.experiment,
    status: run.status,
    statusIcon: { name: icon.replace(/~spin$/, ''), spin: icon.endsWith('~spin') },
    lifecycle: run.lifecycle,
    started: formatDateTime(run.start_time),
    ended: run.end_time ? formatDateTime(run.end_time) : run.status === 'running' ? 'still running' : '—',
    startedExact: formatExactTime(run.start_time),
    endedExact: run.end_time ? formatExactTime(run.end_time) : '',
    error: run.error,
    source: sourcePath ? { path: sourcePath, label: baseName(sourcePath), kind: run.source.kind ?? ctx?.source?.kind ?? null } : null,
    git: git?.commit
      ? {
          commit: git.commit,
          shortCommit: git.commit.slice(0, 8),
          branch: git.branch ?? null,
          dirty: git.dirty === true,
          hasDiff: typeof git.diff === 'string' && git.diff.length > 0,
          diffTruncated: (git as { diff_truncated?: unknown }).diff_truncated === true,
        }
      : null,
    commandLine: ctx?.argv && ctx.argv.length > 0 ? commandLine(ctx.executable ?? null, ctx.argv) : null,
    pythonVersion: ctx?.python_version ?? null,
    executable: ctx?.executable ?? null,
    cwd: ctx?.cwd ?? null,
    packages: Array.isArray(ctx?.packages) ? [...ctx.packages].sort(byKey) : null,
    contextError: typeof ctx?.context_error === 'string' ? ctx.context_error : null,
    hasContext: ctx !== null,
    params: Object.entries(run.params).sort(([a], [b]) => byKey(a, b)),
    tags: Object.entries(run.tags).sort(([a], [b]) => byKey(a, b)),
    metrics: Object.entries(run.metrics)
      .sort(([a], [b]) => byKey(a, b))
      .map(([key, m]) => ({
        key,
        last: formatMetricValue(m.last),
        min: formatMetricValue(m.min),
        max: formatMetricValue(m.max),
        count: m.count,
        lastStep: m.last_step,
      })),
    artifacts: d.artifacts.map((a) => ({
      path: a.path,
      name: baseName(a.path),
      size: a.size === null ? '' : formatBytes(a.size),
      previewUri:
        artifactsBaseUri && IMAGE.test(a.path) ? `${artifactsBaseUri.replace(/\/$/, '')}/${a.path.split('/').map(encodeURIComponent).join('/')}` : null,
    })),
    output: { text: d.outputTail, truncated: d.outputTruncated },
    issues: d.issues,
  };
}

/** Elapsed time; a running run counts up to `nowMs`. */
export function durationText(run: { start_time: string; end_time: string | null; duration_ms: number | null; status: RunStatus }, nowMs: number): string {
  if (run.duration_ms !== null) return formatDuration(run.duration_ms);
  const start = Date.parse(run.start_time);
  if (Number.isNaN(start)) return '—';
  const end = run.end_time ? Date.parse(run.end_time) : run.status === 'running' ? nowMs : NaN;
  return Number.isNaN(end) ? '—' : formatDuration(end - start);
}

/** The command as a user would retype it in a POSIX shell: `python3 train.py --lr 0.1`. */
export function commandLine(executable: string | null, argv: readonly string[]): string {
  const program = executable ? baseName(executable) : 'python';
  return [program, ...argv].map(shellQuote).join(' ');
}

export function shellQuote(arg: string): string {
  if (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

/** Case-insensitive substring match on `name==version` lines. */
export function filterPackages(packages: readonly string[], query: string): string[] {
  const q = query.trim().toLowerCase();
  return q ? packages.filter((p) => p.toLowerCase().includes(q)) : [...packages];
}
