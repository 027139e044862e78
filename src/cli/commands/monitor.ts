// `mlwb monitor <deployment> [--json] [--window 5m|1h|24h]`: current serving stats and the input
// drift table of a deployment; `mlwb monitor prometheus-config|grafana-dashboard [--out FILE]`:
// configs for a team's own Prometheus and Grafana; `mlwb monitor requests`: the request log as text
// (src/cli/commands/monitorRequests.ts). docs/monitoring.md.
import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { MlwbError, errorMessage } from '../../core/errors';
import type { DeploymentRecord } from '../../core/deploy/deployment';
import { listDeployments, readDeployment } from '../../core/deploy/store';
import { catchUpWorkspace } from '../../core/ingest/catchUp';
import { evaluate, measures } from '../../core/monitor/alerts';
import { grafanaDashboard, prometheusConfig } from '../../core/monitor/exporters';
import { buildReport, reportJson, type MonitorReport } from '../../core/monitor/report';
import { scrapeOnce } from '../../core/monitor/scraper';
import { WINDOWS, type WindowName } from '../../core/monitor/windowStats';
import { workspaceRoot } from '../../core/snapshots/dataset';
import { openStore } from '../../core/store/database';
import type { WorkspacePaths } from '../../core/workspace';
import { type CliContext, findPaths } from '../context';
import { type Output, formatTable } from '../output';
import { monitorRequestsCommand } from './monitorRequests';
import { statsSpanText } from '../../shared/monitorWindows';

function requirePaths(ctx: CliContext): WorkspacePaths {
  const paths = findPaths(ctx);
  if (!paths || !fs.existsSync(paths.root)) throw new MlwbError(`No ML Workbench workspace (.mlwb) in ${ctx.cwd} or above; deploy a model first.`, 'NOT_FOUND');
  return paths;
}

/** By id, else by a unique id prefix or model name, so `mlwb monitor iris` works with one iris deployment. */
function findDeployment(root: string, ref: string): DeploymentRecord {
  try {
    return readDeployment(root, ref);
  } catch (e) {
    const all = listDeployments(root).filter((d) => d.id.startsWith(ref) || d.model === ref);
    if (all.length === 1) return all[0]!;
    if (all.length > 1) throw new MlwbError(`${ref} matches ${all.length} deployments (${all.map((d) => d.id).join(', ')}); give its id.`, 'INVALID_ARGUMENT');
    throw e;
  }
}

function writeOut(out: Output, text: string, file: string | undefined): void {
  if (file) {
    fs.writeFileSync(file, text);
    out.error(`wrote ${file}`);
  } else out.line(text.replace(/\n$/, ''));
}

const capitalize = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);
const num = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined ? '—' : Number(v.toFixed(digits)).toString());

function printReport(out: Output, r: MonitorReport, scrapeProblem: string | undefined): void {
  const s = r.stats;
  out.line(`${r.deployment.id}  ${r.deployment.model}:${r.deployment.version}  ${r.deployment.status}  ${r.deployment.url ?? ''}`.trimEnd());
  if (scrapeProblem) out.line(`(could not read /metrics now: ${scrapeProblem}; showing stored history)`);
  out.line(`${capitalize(statsSpanText(s))}: ${s.requests} requests, ${s.errors} errors (${num(s.error_rate * 100, 2)}%), ${num(s.requests_per_s, 2)} req/s`);
  out.line(
    `latency p50 ${num(s.latency_ms.p50)} ms  p95 ${num(s.latency_ms.p95)} ms  p99 ${num(s.latency_ms.p99)} ms   mean batch ${num(s.batch_size_mean, 2)}   in flight ${s.in_flight}`,
  );
  const active = Object.values(r.alerts.active);
  for (const a of active) out.line(`ALERT: ${a.message}`);
  if (!r.drift) {
    out.line(`drift: ${r.drift_problem ?? 'no data'}`);
    return;
  }
  out.line(
    `drift of ${r.drift.live_rows} live rows (${r.sampled_requests} sampled requests) against ${r.reference?.dataset} (snapshot ${r.reference?.snapshot_id}, ${r.reference?.source}), worst first:`,
  );
  out.line(
    formatTable(
      ['feature', 'kind', 'score', 'psi', 'ks', 'js'],
      r.drift.features.map((f) => [f.feature, f.kind, num(f.score), num(f.psi), num(f.ks), num(f.js)]),
    ),
  );
  if (r.drift.note) out.line(r.drift.note);
}

export function monitorCommand(ctx: CliContext, out: Output): Command {
  const cmd = new Command('monitor')
    .description('serving stats and input drift of a deployment; configs for Prometheus and Grafana')
    .argument('[deployment]', 'deployment id (or a unique id prefix or model name)')
    .option('--json', 'print JSON: requests, errors, latency_ms {p50, p95, p99}, drift [{feature, psi, ks, js}] worst first')
    .addOption(new Option('--window <w>', 'time window').choices(Object.keys(WINDOWS)).default('1h'))
    .option('--no-scrape', 'use only the stored history; do not read /metrics now')
    // `monitor requests --json --window …`: options after a subcommand are that subcommand's own.
    .enablePositionalOptions()
    .action(async (ref: string | undefined, opts: { json?: boolean; window: WindowName; scrape: boolean }) => {
      if (!ref)
        throw new MlwbError(
          'name a deployment (`mlwb monitor <deployment>`), or use `mlwb monitor prometheus-config` / `grafana-dashboard`',
          'INVALID_ARGUMENT',
        );
      const paths = requirePaths(ctx);
      const d = findDeployment(paths.root, ref);
      let scrapeProblem: string | undefined;
      if (opts.scrape && d.url && d.status !== 'stopped' && d.status !== 'failed') {
        try {
          await scrapeOnce(paths.root, d);
        } catch (e) {
          scrapeProblem = errorMessage(e);
        }
      }
      const db = openStore(paths.storeFile);
      let report: MonitorReport;
      try {
        catchUpWorkspace(db, paths);
        report = await buildReport(db, paths, d, { window: opts.window, workspaceRoot: workspaceRoot(paths) });
      } finally {
        db.close();
      }
      // The CLI reports which thresholds are crossed now without recording crossings: the alert
      // history (and its notifications) belongs to the backend that watches continuously.
      report.alerts = {
        active: evaluate({ active: {}, history: [] }, report.thresholds, measures(report.stats, report.drift ?? undefined)).state.active,
        history: report.alerts.history,
      };
      if (opts.json) out.json(reportJson(report));
      else printReport(out, report, scrapeProblem);
    });
  cmd
    .command('prometheus-config')
    .description('write a Prometheus scrape config for the running deployments')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--scrape-interval <d>', 'scrape_interval (Prometheus duration)', '15s')
    .action((opts: { out?: string; scrapeInterval: string }) => {
      const paths = findPaths(ctx);
      const deployments = paths && fs.existsSync(paths.root) ? listDeployments(paths.root) : [];
      if (!/^\d+(ms|s|m|h)$/.test(opts.scrapeInterval))
        throw new MlwbError(`--scrape-interval must be a duration like 15s, got ${opts.scrapeInterval}`, 'INVALID_ARGUMENT');
      writeOut(out, prometheusConfig(deployments, { scrapeInterval: opts.scrapeInterval }), opts.out);
    });
  cmd.addCommand(
    monitorRequestsCommand(out, (ref) => {
      const d = findDeployment(requirePaths(ctx).root, ref);
      if (!d.request_log_dir) throw new MlwbError(`${d.id} has no request log (deployed with a target that does not write one)`, 'NOT_FOUND');
      return d.request_log_dir;
    }),
  );
  cmd
    .command('grafana-dashboard')
    .description('write a Grafana dashboard (JSON) for the model server metrics')
    .option('--out <file>', 'write to this file instead of stdout')
    .action((opts: { out?: string }) => writeOut(out, JSON.stringify(grafanaDashboard(), null, 2) + '\n', opts.out));
  return cmd;
}
