// Compare Runs as a user meets it: runs logged by the real Python client, compared from the
// Experiments view's context menu; the table sorts, filters (a bad filter shows its error with
// the column), selects runs, and the chart draws one line per selected run, reads out the hovered
// point and zooms.
import assert from 'node:assert/strict';
import { saveScreenshot } from './support/artifacts.mjs';
import { chooseFromContextMenu, openContainer, pane, runCommand, webviewFrame } from './support/ui.mjs';
import { openWorkbench } from './support/workbench.mjs';
import { runPython } from './support/workspace.mjs';

const SEED = `import mlwb
for i in range(12):
    opt = "adam" if i % 3 == 0 else "sgd"
    with mlwb.start_run(experiment="sweep", name=f"trial-{i:02d}", params={"lr": 0.01 * (i + 1), "optimizer": opt}) as run:
        for step in range(20):
            run.log_metric("loss", 1.0 / (step + 1 + i), step=step)
`;

describe('Compare Runs panel', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;
  /** @type {import('playwright-core').Frame | undefined} */
  let frame;

  before(async function () {
    this.timeout(30 * 60_000);
    wb = await openWorkbench('compare', { prepare: (dir) => runPython(dir, SEED) });
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'compare', t?.title ?? 'test', t?.state === 'failed');
  });

  const count = async () => Number((await frame.locator('[data-testid=run-count]').innerText()).replace(/\D/g, ''));

  it('opens from the Experiments view context menu with every run of the experiment', async function () {
    this.timeout(180_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    const experiment = pane(page, 'Experiments').locator('.monaco-list-row', { hasText: 'sweep' }).first();
    await experiment.waitFor({ state: 'visible', timeout: 60_000 });
    // A context menu that is still laying itself out can swallow the click: retry the gesture.
    for (let attempt = 0; attempt < 3 && !frame; attempt++) {
      await chooseFromContextMenu(page, experiment, 'Compare Runs');
      frame = await webviewFrame(page, '[data-testid=runs-table]', 20_000).catch(() => undefined);
      // A tree that re-rendered under the mouse can hand the right-click to a run row instead
      // ("Compare 1 run"): close that panel and try the gesture again.
      if (frame && !(await page.locator('.tab.active', { hasText: 'sweep' }).count())) {
        // Through the palette: the tab's close button is only found while the tab is hovered.
        await runCommand(page, 'View: Close All Editors');
        frame = undefined;
      }
    }
    if (!frame) throw new Error('Compare Runs did not open from the context menu after 3 tries');
    // The experiment opens expanded: the mouse now rests on a run row, whose tooltip would cover the table's header.
    await page.mouse.move(900, 700);
    await frame.locator('body[data-state=ready]').waitFor({ timeout: 30_000 });
    await frame.locator('.vt-row .vt-cell:not(.loading)').first().waitFor({ timeout: 30_000 });
    assert.equal(await count(), 12);
    const headers = await frame.locator('.vt-hcell').evaluateAll((els) => els.map((e) => e.dataset.columnId));
    for (const id of ['name', 'status', 'params.lr', 'params.optimizer', 'metrics.loss']) assert.ok(headers.includes(id), `column ${id} in ${headers}`);
  });

  it('sorts by a column, and by a second one with shift-click', async function () {
    this.timeout(60_000);
    const firstName = () => frame.locator('.vt-row[data-row="0"] .vt-cell[aria-colindex="2"]').innerText();
    await frame.locator('.vt-hcell[data-column-id="name"]').click();
    await frame.waitForFunction(() => document.querySelector('.vt-row[data-row="0"] .vt-cell[aria-colindex="2"]')?.textContent === 'trial-00');
    await frame.locator('.vt-hcell[data-column-id="name"]').click();
    await frame.waitForFunction(() => document.querySelector('.vt-row[data-row="0"] .vt-cell[aria-colindex="2"]')?.textContent === 'trial-11');
    await frame.locator('.vt-hcell[data-column-id="params.optimizer"]').click();
    await frame.locator('.vt-hcell[data-column-id="metrics.loss"]').click({ modifiers: ['Shift'] });
    // adam runs first (0, 3, 6, 9), lowest last loss among them: trial-09.
    await frame.waitForFunction(() => document.querySelector('.vt-row[data-row="0"] .vt-cell[aria-colindex="2"]')?.textContent === 'trial-09');
    assert.equal(await firstName(), 'trial-09');
    assert.equal(await frame.locator('.vt-hcell[data-column-id="metrics.loss"]').getAttribute('data-sorted'), 'asc');
    // In VS Code's own font, at the default widths, nothing is cut: not a sorted header beside its
    // arrow and rank ("loss ↑ 2", once "l… ↑ 2"), not a start time, not a loss's six digits.
    const cut = await frame.evaluate(() =>
      [...document.querySelectorAll('.vt-hcell .hlabel, .vt-row .vt-cell .vt-text')].filter((t) => t.scrollWidth > t.clientWidth).map((t) => t.textContent),
    );
    assert.deepEqual(cut, [], `cut short: ${cut.join(' | ')}`);
  });

  it('filters with MLflow syntax and shows a bad filter’s error with its column', async function () {
    this.timeout(60_000);
    const filter = frame.locator('[data-testid=filter]');
    await filter.fill('params.optimizer = ');
    await filter.press('Enter');
    const error = frame.locator('[data-testid=filter-error]');
    await error.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await error.innerText(), /column \d+/);
    await filter.fill("params.optimizer = 'adam' and metrics.loss < 0.04");
    await filter.press('Enter');
    await error.waitFor({ state: 'hidden', timeout: 15_000 });
    await frame.waitForFunction(() => document.querySelector('[data-testid=run-count]')?.textContent?.startsWith('2 '));
    assert.equal(await count(), 2); // trial-06 (last loss 1/26) and trial-09 (1/29)
  });

  it('charts the selected runs, one colored line each', async function () {
    this.timeout(60_000);
    const filter = frame.locator('[data-testid=filter]');
    await filter.fill("params.optimizer = 'adam'");
    await filter.press('Enter');
    await frame.waitForFunction(() => document.querySelector('[data-testid=run-count]')?.textContent?.startsWith('4 '));
    await frame.locator('.vt-row[data-row="0"] .vt-cell[aria-colindex="2"]').click();
    await frame.locator('.vt-row[data-row="2"] .vt-cell[aria-colindex="2"]').click({ modifiers: ['Shift'] });
    const chart = frame.locator('[data-testid=metric-chart][data-metric=loss]');
    await chart.waitFor({ timeout: 30_000 });
    await frame.waitForFunction(() => document.querySelector('[data-metric=loss]')?.getAttribute('data-lines') === '3');
    assert.match(await chart.locator('.chart-caption').innerText(), /3 of 3 runs · 60 points/);
    assert.equal(await frame.locator('.vt-row.vt-selected .swatch').count(), 3, 'selected rows show their color swatch');
  });

  it('reads out the hovered run’s point, zooms by dragging and resets on double-click', async function () {
    this.timeout(60_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    const chart = frame.locator('[data-testid=metric-chart][data-metric=loss]');
    const readout = chart.locator('[data-testid=chart-readout]');
    await chart.scrollIntoViewIfNeeded();
    assert.doesNotMatch(await readout.innerText(), /—/, 'no placeholder dashes before hovering');
    const over = await chart.locator('.u-over').boundingBox();
    if (!over) throw new Error('the loss chart has no plot area');
    await page.mouse.move(over.x + over.width * 0.2, over.y + over.height * 0.5);
    await frame.waitForFunction(() => document.querySelector('[data-metric=loss] [data-testid=chart-readout]')?.getAttribute('data-hovering') === 'true');
    assert.match(await readout.innerText(), /^trial-\d\d · step \d+ → [\d.]+$/);
    await page.mouse.move(over.x + over.width * 0.3, over.y + 10);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.6, over.y + 10, { steps: 5 });
    await page.mouse.up();
    await frame.waitForFunction(() => document.querySelector('[data-metric=loss] .chart-caption')?.textContent?.includes('zoomed'));
    // The zoom refetched the range from the backend: fewer than the 60 points of the whole runs.
    const zoomed = await chart.locator('.chart-caption').innerText();
    const points = Number(/(\d+) points/.exec(zoomed)?.[1]);
    assert.ok(points > 0 && points < 60, `zoomed caption counts the range's points: ${zoomed}`);
    await page.mouse.dblclick(over.x + over.width * 0.5, over.y + over.height * 0.5);
    await frame.waitForFunction(() => !document.querySelector('[data-metric=loss] .chart-caption')?.textContent?.includes('zoomed'));
    assert.match(await chart.locator('.chart-caption').innerText(), /3 of 3 runs · 60 points/);
  });
});
