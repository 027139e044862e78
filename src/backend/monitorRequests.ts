/**
 * Monitoring in the backend: a scraper over the workspace's running deployments (every 5 s), alert
 * evaluation after each round (drift, which reads the training table, at most every 30 s), and the
 * requests the Monitor panel and commands make. Scraping needs a trusted workspace: a deployment
 * record is a file anyone can put in the folder, and its URL is fetched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listDeployments, readDeployment } from '../core/deploy/store';
import type { DeploymentRecord } from '../core/deploy/deployment';
import { errorMessage } from '../core/errors';
import { writePanelThresholds } from '../core/monitor/alertConfig';
import { buildReport, recordAlerts } from '../core/monitor/report';
import { clearReferenceChoice, resolveReference, runOfDeployment, setReferenceChoice } from '../core/monitor/reference';
import { Scraper } from '../core/monitor/scraper';
import { getRunDetails } from '../core/runs/details';
import { workspaceRoot } from '../core/snapshots/dataset';
import type { RequestHandlers } from '../protocol/backend';
import type { RetrainPlan } from '../protocol/monitor';
import type { BackendContext, RequestGroup } from './requestGroup';

type Methods = 'monitor/deployments' | 'monitor/report' | 'monitor/setThresholds' | 'monitor/setReference' | 'monitor/retrainPlan';

const DRIFT_EVERY_MS = 30_000;

export class MonitorRequests implements RequestGroup<Methods> {
  private scraper: Scraper | undefined;
  private lastDriftCheck = new Map<string, number>();
  /** Serializes evaluations so two rounds never write one deployment's alert file at once. */
  private evaluating: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: BackendContext,
    private readonly options: { intervalMs?: number; trusted: () => boolean } = { trusted: () => false },
  ) {}

  readonly handlers: Pick<RequestHandlers, Methods> = {
    'monitor/deployments': () => {
      const root = this.ctx.service().paths.root;
      this.ensureScraper();
      return listDeployments(root);
    },
    'monitor/report': async ({ deploymentId, window }) => {
      const svc = this.ctx.service();
      this.ensureScraper();
      const d = readDeployment(svc.paths.root, deploymentId);
      const db = this.ctx.requireStore(deploymentId);
      return buildReport(db, svc.paths, d, { window, workspaceRoot: workspaceRoot(svc.paths) });
    },
    'monitor/setThresholds': ({ deploymentId, thresholds }) => {
      this.ctx.requireTrust('Setting alert thresholds');
      const root = this.ctx.service().paths.root;
      readDeployment(root, deploymentId);
      const saved = writePanelThresholds(root, deploymentId, thresholds);
      this.lastDriftCheck.delete(deploymentId);
      return saved;
    },
    'monitor/setReference': ({ deploymentId, snapshotId, path: table }) => {
      this.ctx.requireTrust('Choosing a drift reference');
      const svc = this.ctx.service();
      readDeployment(svc.paths.root, deploymentId);
      this.lastDriftCheck.delete(deploymentId);
      if (snapshotId === null) {
        clearReferenceChoice(svc.paths.root, deploymentId);
        return null;
      }
      const r = setReferenceChoice(this.ctx.requireStore(snapshotId), svc.paths, deploymentId, { snapshot_id: snapshotId, ...(table ? { path: table } : {}) });
      return { snapshot_id: r.snapshot.id, snapshot_name: r.snapshot.name, dataset: r.snapshot.dataset, table: r.table, source: r.source };
    },
    'monitor/retrainPlan': ({ deploymentId }): RetrainPlan => {
      const svc = this.ctx.service();
      const d = readDeployment(svc.paths.root, deploymentId);
      const db = svc.store();
      const ref = db ? resolveReference(db, svc.paths, d) : undefined;
      const runId = runOfDeployment(svc.paths.root, d);
      const dataset = ref?.ok ? ref.reference.snapshot.dataset : null;
      if (!runId || !db)
        return { runId, script: null, dataset, problem: `${d.model}:${d.version} has no training run in the registry, so there is no entry point to start.` };
      let script: string | null = null;
      try {
        const src = getRunDetails(db, svc.paths.runsDir, runId).context?.source?.path ?? null;
        script = src ? path.resolve(workspaceRoot(svc.paths), src) : null;
      } catch {
        /* the run is gone from the store */
      }
      if (!script) return { runId, script: null, dataset, problem: `The training run ${runId} recorded no source file.` };
      if (!fs.existsSync(script)) return { runId, script: null, dataset, problem: `The training run's source file ${script} no longer exists.` };
      return { runId, script, dataset, problem: null };
    },
  };

  /** Starts scraping on first use (a view or panel asked), never at backend start-up. */
  private ensureScraper(): void {
    if (this.scraper || !this.options.trusted()) return;
    const svc = this.ctx.service();
    this.scraper = new Scraper(svc.paths.root, {
      ...(this.options.intervalMs ? { intervalMs: this.options.intervalMs } : {}),
      deployments: () => listDeployments(svc.paths.root),
      onTick: (scraped) => {
        const ds = scraped.map((s) => s.deployment);
        this.evaluating = this.evaluating
          .then(() => this.evaluate(ds))
          .catch((e) => this.ctx.notify('log', { level: 'warn', message: `monitoring: ${errorMessage(e)}` }));
      },
    });
    this.scraper.start();
  }

  private async evaluate(deployments: DeploymentRecord[]): Promise<void> {
    const svc = this.ctx.service();
    const db = svc.store();
    const firing: { deploymentId: string; messages: string[] }[] = [];
    for (const d of deployments) {
      if (!db) continue;
      const now = Date.now();
      const withDrift = now - (this.lastDriftCheck.get(d.id) ?? 0) >= DRIFT_EVERY_MS;
      const report = await buildReport(db, svc.paths, d, { window: '5m', workspaceRoot: workspaceRoot(svc.paths), now });
      // Between drift checks the drift alert keeps its state: evaluate latency and errors only.
      // A check that found no live inputs yet does not count, so the first traffic is looked at promptly.
      if (!withDrift) report.drift = null;
      else if (report.drift) this.lastDriftCheck.set(d.id, now);
      for (const event of recordAlerts(svc.paths, report, now))
        this.ctx.notify('monitor/alert', { deploymentId: d.id, model: d.model, version: d.version, event });
      const active = Object.values(report.alerts.active);
      if (active.length) firing.push({ deploymentId: d.id, messages: active.map((a) => a.message) });
    }
    this.ctx.notify('monitor/updated', { deploymentIds: deployments.map((d) => d.id), firing });
  }

  async reset(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    this.scraper?.stop();
    this.scraper = undefined;
    this.lastDriftCheck.clear();
    await this.evaluating;
  }
}
