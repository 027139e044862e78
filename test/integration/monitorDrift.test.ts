// Drift of live traffic against the training snapshot, end to end through the real pieces: a model
// trained on data/train.csv (lineage: version → run → snapshot), served by dist/server.js with a 100%
// request log, traffic shifted on two of four features only. Those two must rank on top, the other
// two stay low, and the drift alert fires naming one of them; `mlwb monitor --json` agrees.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRequestLog } from '../../src/core/monitor/requestLog';
import { recordAlerts, buildReport } from '../../src/core/monitor/report';
import { scrapeOnce } from '../../src/core/monitor/scraper';
import { openStore } from '../../src/core/store/database';
import { distFile } from '../helpers/dist';
import { type MonitoredDeployment, deployMonitoredModel, sendTraffic } from '../helpers/monitorWorkspace';
import { makeTempDir } from '../helpers/tmp';

describe('monitoring: live input drift against the training snapshot', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let m: MonitoredDeployment | undefined;

  before(async function () {
    tmp = makeTempDir('mlwb-monitor-drift-');
    m = await deployMonitoredModel(tmp.dir);
    if (!m) this.skip();
    // The alert threshold comes from mlwb.yaml, as a team would commit it.
    fs.writeFileSync(path.join(tmp.dir, 'mlwb.yaml'), 'monitoring:\n  alerts:\n    drift_score: 0.3\n    error_rate: 0.5\n');
    await scrapeOnce(m.paths.root, m.deployment);
    // f_income (index 1) and f_tenure (index 3) move by 2.5 standard deviations; f_age and f_score do not.
    await sendTraffic(m, 120, { rows: 5, shift: { 1: 2.5, 3: 2.5 } });
    await scrapeOnce(m.paths.root, m.deployment);
  });
  after(async () => {
    await m?.server.stop();
    tmp?.cleanup();
  });

  it('ranks exactly the shifted features on top and raises the drift alert', async () => {
    const db = openStore(m!.paths.storeFile);
    try {
      const report = await buildReport(db, m!.paths, m!.deployment, { window: '5m', workspaceRoot: tmp.dir });
      assert.equal(report.drift_problem, null);
      assert.equal(report.reference?.source, 'lineage');
      assert.equal(report.reference?.dataset, 'data/train.csv');
      assert.equal(report.run_id, m!.runId);
      const features = report.drift!.features;
      // Named from the snapshot's columns in input order; `label` is not an input.
      assert.deepEqual(features.map((f) => f.feature).sort(), ['f_age', 'f_income', 'f_score', 'f_tenure']);
      assert.deepEqual(
        features
          .slice(0, 2)
          .map((f) => f.feature)
          .sort(),
        ['f_income', 'f_tenure'],
      );
      for (const f of features.slice(0, 2)) assert.ok(f.score > 0.6 && f.psi! > 1, `${f.feature} moved: ${JSON.stringify(f)}`);
      for (const f of features.slice(2)) assert.ok(f.score < 0.1 && f.psi! < 0.1, `${f.feature} did not move: ${JSON.stringify(f)}`);
      assert.equal(report.drift!.live_rows, 600);
      // Live and training histograms share their bins.
      const h = features[0]!.histogram;
      assert.equal(h.training.length, h.live.length);
      assert.ok(Math.abs(h.live.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      // Serving numbers since the server started (its /metrics says when, before the first scrape).
      assert.equal(report.stats.span, 'server_start');
      assert.ok(Math.abs(Date.parse(report.stats.from!) - Date.parse(m!.deployment.created_at)) < 60_000, `server started ${report.stats.from}`);
      assert.equal(report.stats.requests, 120);
      assert.equal(report.stats.errors, 0);
      assert.ok(report.stats.latency_ms.p99! > 0);
      assert.ok(report.predictions.bins.some((b) => Object.keys(b.counts).length > 0));

      const events = recordAlerts(m!.paths, report);
      assert.deepEqual(
        events.map((e) => [e.kind, e.state]),
        [['drift_score', 'fired']],
      );
      assert.ok(['f_income', 'f_tenure'].includes(events[0]!.feature!));
      // A second evaluation while still over does not fire again; the history keeps the one crossing.
      assert.deepEqual(recordAlerts(m!.paths, report), []);
      assert.equal(report.alerts.history.length, 1);
    } finally {
      db.close();
    }
  });

  it('mlwb monitor --json prints requests, errors, latency and the drift table worst first', () => {
    const r = spawnSync(process.execPath, [distFile('cli.js'), 'monitor', m!.deployment.id, '--json', '--window', '5m'], {
      cwd: tmp.dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      span: string;
      from: string;
      to: string;
      requests: number;
      errors: number;
      latency_ms: Record<string, number>;
      drift: { feature: string; psi: number; ks: number; js: number }[];
      alerts: { kind: string }[];
    };
    assert.equal(j.requests, 120);
    assert.equal(j.errors, 0);
    // Counted since the server started, up to the CLI's own scrape.
    assert.equal(j.span, 'server_start');
    assert.ok(Date.parse(j.from) < Date.parse(j.to));
    // The text report names the same span as the panel's caption.
    const text = spawnSync(process.execPath, [distFile('cli.js'), 'monitor', m!.deployment.id, '--window', '5m'], {
      cwd: tmp.dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.match(text.stdout, /^Since the server started at \d\d:\d\d:\d\d \([^)]+\): 120 requests, 0 errors/m);
    assert.deepEqual(Object.keys(j.latency_ms), ['p50', 'p95', 'p99']);
    assert.deepEqual(
      j.drift
        .slice(0, 2)
        .map((d) => d.feature)
        .sort(),
      ['f_income', 'f_tenure'],
    );
    for (const d of j.drift) for (const k of ['psi', 'ks', 'js'] as const) assert.equal(typeof d[k], 'number');
    assert.ok(j.drift[0]!.ks >= j.drift[1]!.ks && j.drift[1]!.ks >= j.drift[2]!.ks);
    assert.deepEqual(
      j.alerts.map((a) => a.kind),
      ['drift_score'],
    );
  });

  it('mlwb monitor requests prints the binary request log as JSON Lines (--json) or a table, by deployment or --dir', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [distFile('cli.js'), 'monitor', 'requests', ...args], { cwd: tmp.dir, encoding: 'utf8', timeout: 60_000 });
    const r = cli(m!.deployment.id, '--json', '--window', '5m');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    // Every logged record (the traffic above, and any request the workspace helper sent first), each on its own line.
    assert.equal(lines.length, readRequestLog(m!.deployment.request_log_dir!, { limit: Infinity }).length);
    assert.ok(lines.length >= 120, `${lines.length} lines`);
    for (const line of lines) {
      const rec = JSON.parse(line) as { status: number; model: string; request: { inputs: { shape: number[] }[] }; response: { outputs: unknown[] } };
      assert.equal(rec.status, 200);
      assert.equal(rec.model, m!.deployment.model);
      assert.ok(rec.request.inputs[0]!.shape.length === 2 && rec.response.outputs.length > 0, line);
    }
    const table = cli('--dir', m!.deployment.request_log_dir!, '--limit', '5');
    assert.equal(table.status, 0, table.stderr);
    const rows = table.stdout.trimEnd().split('\n');
    assert.match(rows[0]!, /^time\s+model\s+status\s+latency_ms\s+inputs/);
    assert.equal(rows.length, 6, table.stdout);
    assert.equal(cli().status, 2, 'neither a deployment nor --dir: a usage error');
  });
});
