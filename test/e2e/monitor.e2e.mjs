// Monitoring as a user meets it. The registered version is deployed with `mlwb deploy` (local
// target, every request logged). The model was trained by a tracked run that read data/train.csv (real Python
// client: log_input + log_model, registered and linked by the backend). Traffic shifted on two
// features flows; "Open Monitor" from the palette shows the numbers and the drift table with the
// shifted features on top, and the drift alert from mlwb.yaml raises a notification.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/e2e/package-vsix.mjs';
import { saveScreenshot } from './support/artifacts.mjs';
import { answerFileDialog, runCommand, webviewFrame } from './support/ui.mjs';
import { openWorkbench } from './support/workbench.mjs';

const TRAIN = `import mlwb, json, subprocess, sys
fx = json.loads(subprocess.check_output([sys.executable, ${JSON.stringify(join(REPO_ROOT, 'test/fixtures/monitor/make_drift_model.py'))}, "."]))
with mlwb.start_run(experiment="churn", name="logreg") as run:
    run.log_input("data/train.csv")
    run.log_model(fx["model"], name="churn")
print(json.dumps(fx))
`;

describe('Monitor on a deployment under traffic', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;
  /** @type {string | undefined} */
  let deploymentId;
  /** @type {{ means: number[], stds: number[], model: string } | undefined} */
  let fixture;

  before(async function () {
    this.timeout(30 * 60_000);
    wb = await openWorkbench('monitor', {
      prepare: (dir) => {
        // A script file, so the run records its entry point and Retrain can start it again.
        writeFileSync(join(dir, 'train.py'), TRAIN);
        const r = spawnSync('python3', ['train.py'], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 120_000,
          env: { ...process.env, PYTHONPATH: join(REPO_ROOT, 'python'), MLWB_DIR: join(dir, '.mlwb'), MLWB_CAPTURE_ENV: '0' },
        });
        if (r.status !== 0) throw new Error(`train.py failed (${r.status}): ${r.stderr}`);
        fixture = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
        writeFileSync(join(dir, 'mlwb.yaml'), 'monitoring:\n  alerts:\n    drift_score: 0.3\n');
      },
    });
  });

  after(async function () {
    this.timeout(60_000);
    if (deploymentId && wb) spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), 'undeploy', deploymentId], { cwd: wb.workspace, timeout: 30_000 });
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'monitor', t?.title ?? 'test', t?.state === 'failed');
  });

  it('opens Monitor from the palette: serving numbers, shifted features on top, drift alert', async function () {
    this.timeout(300_000);
    const { page, workspace } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    // The backend registers the logged model (validation) once it runs: wait for version 1 with the CLI.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), 'models', 'list', '--json'], { cwd: workspace, encoding: 'utf8' });
      if (r.status === 0 && JSON.parse(r.stdout).some((/** @type {{name: string}} */ m) => m.name === 'churn')) break;
      if (Date.now() > deadline) throw new Error(`churn was never registered: ${r.stderr}`);
      await page.waitForTimeout(1000);
    }
    // Deploy it the way a terminal user would, with every request logged.
    const dep = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), 'deploy', 'churn:1', '--option', 'sampleRate=1', '--json'], {
      cwd: workspace,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(dep.status, 0, dep.stderr);
    const deployment = JSON.parse(dep.stdout);
    deploymentId = deployment.id;
    const url = deployment.url;
    // Traffic: f_income and f_tenure shifted by 2.5 standard deviations.
    const f = /** @type {{ means: number[], stds: number[] }} */ (fixture);
    let seed = 1;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const send = async (/** @type {number} */ n) => {
      for (let r = 0; r < n; r++) {
        const data = [];
        for (let i = 0; i < 5; i++) for (let k = 0; k < 4; k++) data.push(f.means[k] + f.stds[k] * (normal() + (k === 1 || k === 3 ? 2.5 : 0)));
        const res = await fetch(`${url}/v2/models/churn/infer`, {
          method: 'POST',
          body: JSON.stringify({ inputs: [{ name: 'X', datatype: 'FP32', shape: [5, 4], data }] }),
        });
        assert.equal(res.status, 200);
      }
    };
    await send(80);

    await runCommand(page, 'ML Workbench: Open Monitor');
    const frame = await webviewFrame(page, '[data-testid="monitor-title"]', 90_000);
    assert.match(await frame.locator('[data-testid="monitor-title"]').innerText(), /churn:1/);
    // The backend scrapes every 5 s; the panel refreshes after each round until the numbers are in.
    await frame.locator('[data-testid="drift-table"]').waitFor({ state: 'visible', timeout: 90_000 });
    const rows = await frame.locator('[data-testid="drift-table"] vscode-table-row').allInnerTexts();
    const top = rows
      .slice(0, 2)
      .map((r) => r.trim().split(/\s+/)[0])
      .sort();
    assert.deepEqual(top, ['f_income', 'f_tenure'], `drift table: ${rows.join(' | ')}`);
    assert.match(await frame.locator('[data-testid="reference"]').innerText(), /data\/train\.csv.*linked by lineage/);
    const requests = await frame.locator('[data-testid="stat-requests"]').innerText();
    assert.match(requests, /\b80\b/, `requests card: ${requests}`);
    // The alert: a notification offering Open Monitor, and the status-bar warning.
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'input drift' });
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await toast.innerText(), /Open Monitor/);
    await page.locator('.statusbar-item', { hasText: `${deploymentId}: alert` }).waitFor({ state: 'visible', timeout: 30_000 });
    await frame.locator('[data-testid="alert-banner"]').waitFor({ state: 'visible', timeout: 30_000 });
    // More traffic while the panel is open: it refreshes by itself and the charts draw the interval.
    await send(40);
    await frame.locator('[data-testid="stat-requests"]', { hasText: '120' }).waitFor({ state: 'visible', timeout: 60_000 });
    await frame.locator('[data-testid="chart-latency"] canvas').first().waitFor({ state: 'attached', timeout: 30_000 });
    // What the latency chart draws: the newest interval inside the plot (not on its right edge,
    // where a point scraped just before the report was clipped away) and inside the y range.
    await frame.waitForFunction(() => (window.__monitor.charts.get('latency')?.chart.inspect()?.xs[0].length ?? 0) > 0, null, { timeout: 30_000 });
    const drawn = await frame.evaluate(() => window.__monitor.charts.get('latency').chart.inspect());
    const newest = drawn.xs[0].length - 1;
    const room = (drawn.x[1] - drawn.xs[0][newest]) / (drawn.x[1] - drawn.x[0]);
    const values = drawn.ys.map((ys) => ys[newest]).filter((v) => v !== null);
    assert.ok(room > 0.01, `the newest point is ${(room * 100).toFixed(2)}% from the plot's right edge`);
    assert.ok(values.length > 0 && values.every((v) => v >= drawn.y[0] && v <= drawn.y[1]), `latency ${values} within the y range ${drawn.y}`);
    await page.waitForTimeout(500);
    await saveScreenshot(page, 'monitor', 'monitor-panel-under-traffic', false);
  });

  it('Retrain from the drift alert: snapshots the data the user picks and starts train.py with tracking', async function () {
    this.timeout(300_000);
    const { page, workspace } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    const cli = (/** @type {string[]} */ ...args) => {
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), ...args, '--json'], { cwd: workspace, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const before = new Set(cli('runs', 'list').map((/** @type {{id: string}} */ r) => r.id));
    const frame = await webviewFrame(page, '[data-testid="banner-retrain"]', 60_000);
    await frame.locator('[data-testid="banner-retrain"]').click();
    // VS Code's own file picker (the simple dialog in the browser), opened on the training data.
    await answerFileDialog(page, join(workspace, 'data', 'train.csv'));
    const snapshot = await poll(
      page,
      () => cli('snapshot', 'list').find((/** @type {{name: string}} */ s) => s.name === `retrain ${deploymentId}`),
      'the retrain snapshot',
      120_000,
    ).catch(async (/** @type {Error} */ err) => {
      // Say what the user would see: the panel's notice (a failed snapshot shows its error there).
      const notice = await frame
        .locator('[data-testid="notice"]')
        .innerText({ timeout: 2_000 })
        .catch(() => '(no notice)');
      throw new Error(`${err.message}; the panel says: ${notice}`);
    });
    assert.ok(snapshot, 'a snapshot of data/train.csv was taken');
    // The panel says what it did.
    await frame
      .locator('[data-testid="notice"]', { hasText: `Snapshot ${snapshot.id} taken; train.py started with tracking` })
      .waitFor({ state: 'visible', timeout: 60_000 });
    // The training script ran again as a tracked run.
    const run = await poll(
      page,
      () => cli('runs', 'list').find((/** @type {{id: string, status: string}} */ r) => !before.has(r.id) && r.status === 'finished'),
      'a new finished run of train.py',
      180_000,
    );
    assert.ok(run.id);
    await saveScreenshot(page, 'monitor', 'retrain-started', false);
  });
});

/** Polls `fn` (every second) until it returns something, or fails naming `what`. */
async function poll(/** @type {import('playwright-core').Page} */ page, /** @type {() => any} */ fn, /** @type {string} */ what, /** @type {number} */ ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(1000);
  }
}
