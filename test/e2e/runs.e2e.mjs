// Run tracking as a user meets it: runs logged by the real Python client show in the Experiments
// view with their status and key metric, and "Run with Tracking" on an open script makes a new run
// appear live, running and then finished.
import assert from 'node:assert/strict';
import { saveScreenshot } from './support/artifacts.mjs';
import { expandRow, openContainer, pane, runCommand, webviewFrame } from './support/ui.mjs';
import { openWorkbench } from './support/workbench.mjs';
import { runPython } from './support/workspace.mjs';

const LIVE_SCRIPT = `import time
import mlwb

if __name__ == "__main__":
    with mlwb.start_run(experiment="e2e", name="live-run", params={"lr": 0.5}) as run:
        for step in range(8):
            run.log_metric("loss", 1.0 / (step + 1), step=step)
            time.sleep(0.5)
`;

describe('Run tracking in the Experiments view', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;

  before(async function () {
    this.timeout(30 * 60_000);
    wb = await openWorkbench('runs', {
      files: { 'live.py': LIVE_SCRIPT },
      // xterm's DOM renderer instead of WebGL: the terminal's text is then in the page, so the test
      // can read the command line the task terminal shows.
      settings: { 'terminal.integrated.gpuAcceleration': 'off' },
      prepare: (dir) =>
        runPython(
          dir,
          `import mlwb
with mlwb.start_run(experiment="e2e", name="seeded", params={"lr": 0.1}) as run:
    for i in range(5):
        run.log_metric("loss", 0.5 / (i + 1), step=i)
try:
    with mlwb.start_run(experiment="e2e", name="broken"):
        raise ValueError("diverged")
except ValueError:
    pass
`,
        ),
    });
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'runs', t?.title ?? 'test', t?.state === 'failed');
  });

  /** A row of the Experiments tree whose text contains `text`. */
  const row = (/** @type {string} */ text) => pane(/** @type {any} */ (wb).page, 'Experiments').locator('.monaco-list-row', { hasText: text });

  it('lists logged runs under their experiment with status icon and key metric', async function () {
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    await expandRow(row('e2e').first());
    const seeded = row('seeded');
    await seeded.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await seeded.innerText(), /loss 0\.1/);
    assert.equal(await seeded.locator('.codicon-pass').count(), 1, 'a finished run shows the pass icon');
    const broken = row('broken');
    assert.equal(await broken.locator('.codicon-error').count(), 1, 'a failed run shows the error icon');
  });

  it('clicking a run opens its details: status, params, metric chart and output', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    // A click lost to a tree refresh is retried, as a person would click again.
    let frame;
    for (let attempt = 0; attempt < 3 && !frame; attempt++) {
      await row('seeded').click();
      frame = await webviewFrame(page, '[data-testid=run-title]', 20_000).catch(() => undefined);
    }
    if (!frame) throw new Error('clicking the run did not open its details');
    await frame.locator('body[data-state=ready]').waitFor({ timeout: 30_000 });
    assert.equal((await frame.locator('[data-testid=run-title]').innerText()).trim(), 'seeded');
    assert.equal(await frame.locator('body').getAttribute('data-status'), 'finished');
    assert.match(await frame.locator('[data-testid=params-table]').innerText(), /lr[\s\S]*0\.1/);
    const chart = frame.locator('[data-testid=metric-chart][data-metric=loss]');
    await chart.waitFor({ timeout: 30_000 });
    assert.match(await chart.locator('.chart-caption').innerText(), /5 points/);
    assert.equal((await chart.locator('canvas').count()) > 0, true, 'the chart draws on a canvas');
  });

  it('"Run with Tracking" runs the open script as a task and the run appears live, then finishes', async function () {
    this.timeout(180_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('live.py');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'live.py' }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'live.py' }).waitFor({ state: 'visible' });
    await runCommand(page, 'ML Workbench: Run with Tracking');
    await openContainer(page);
    const live = row('live-run');
    await live.waitFor({ state: 'visible', timeout: 60_000 });
    // The task terminal shows the script's command line (VS Code prints "Executing task: <command>").
    const terminal = page.locator('.part.panel .xterm-rows');
    const terminalDeadline = Date.now() + 30_000;
    let shown = '';
    while (Date.now() < terminalDeadline && !/Executing task:.*live\.py/s.test(shown)) {
      await page.waitForTimeout(250);
      shown = (await terminal.allInnerTexts()).join('\n');
    }
    if (!/Executing task:.*live\.py/s.test(shown)) await saveScreenshot(page, 'runs', 'terminal-command-line', true);
    assert.match(shown, /Executing task:.*live\.py/s, `the task terminal shows the command line; it shows: ${shown.slice(0, 500)}`);
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && (await live.locator('.codicon-pass').count()) === 0) await page.waitForTimeout(500);
    assert.equal(await live.locator('.codicon-pass').count(), 1, `run did not finish; row shows: ${await live.innerText()}`);
    assert.match(await live.innerText(), /loss 0\.125/);
  });
});
