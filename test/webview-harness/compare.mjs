// Loads the built Compare Runs webview in Chromium under the real CSP, answers its requests from
// a generated store through the real query engine, clicks through it and writes screenshots.
//   npx tsc -p . && node scripts/build.mjs && node test/webview-harness/compare.mjs [--only <scenario>] [--headed]
// Screenshots: .e2e-artifacts/webview-harness/compare-<scenario>.png. Exits 1 on a failed check,
// a console error or a CSP violation.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openHarness, whiteShare } from './common.mjs';
import { checkCharts } from './compareCharts.mjs';
import { answer, comparePage, createStore, root } from './compareHost.mjs';

if (!existsSync(join(root, 'dist/webview/compare.js'))) throw new Error('Build first: node scripts/build.mjs');

const init = { folderUri: 'file:///home/ada/projects/cifar', scope: {}, title: 'Compare: all runs' };
const SHAPE = { runs: 3000, params: 20, metrics: 20, longRuns: 6, longSteps: 20_000 };
const scenarios = {
  'table-dark': { theme: 'dark', shape: SHAPE },
  'restored-light': { theme: 'light', shape: SHAPE, restore: true },
  'empty-dark': { theme: 'dark', shape: { ...SHAPE, runs: 0 } },
};

let current = { theme: 'dark' };
const harness = await openHarness({
  root,
  route: async (url, send, origin) => url.pathname === '/page.html' && send('text/html', await comparePage(origin, { theme: current.theme, init })),
});
const { origin, outDir, check } = harness;

/** A page on a fresh store; `savedState` plays the state VS Code restores after a reload. */
async function open(sc, db, savedState) {
  current = sc;
  const { page, problems } = await harness.newPage({ width: 1280, height: 900 });
  await page.exposeFunction('__hostRequest', (m) => answer(db, m));
  await page.addInitScript((s) => {
    window.__savedState = s;
  }, savedState);
  await page.goto(`${origin}/page.html`);
  await page.waitForSelector('body[data-state=ready]', { timeout: 15_000 });
  return { page, problems };
}

const rowCount = (page) => page.locator('.vt-row').count();
const count = async (page) => Number((await page.textContent('[data-testid=run-count]')).replace(/\D/g, ''));

for (const [name, sc] of harness.scenarios(scenarios)) {
  const store = createStore(sc.shape);
  let saved;
  if (sc.restore) {
    saved = {
      init,
      filter: "params.p0 = 'adam'",
      sort: [{ id: 'metrics.m1', desc: true }],
      aggregate: 'max',
      order: [],
      hidden: [],
      pinned: ['name'],
      widths: { name: 220 },
      onlyDiffering: true,
      selected: ['0000019400000000000000000', 'x'].slice(0, 0),
      colors: {},
      chart: { metrics: ['curve'], xAxis: 'relative', smoothing: 0.6, log: true },
    };
  }
  const { page, problems } = await open(sc, store.db, saved);
  try {
    if (sc.shape.runs === 0) {
      check(await page.isVisible('[data-testid=empty]'), 'empty state says how to get runs');
    } else if (!sc.restore) {
      await page.waitForSelector('.vt-row .vt-cell:not(.loading)');
      check((await count(page)) === SHAPE.runs, `counts ${SHAPE.runs} runs`);
      const rows = await rowCount(page);
      check(rows > 5 && rows < 80, `only visible rows are in the DOM (${rows})`);
      const cells = await page.locator('.vt-row').first().locator('.vt-cell').count();
      check(cells < 30, `only visible columns are in the DOM (${cells} of ${await page.locator('.vt-hcell').count()})`);
      // Headers cut to "p1…" carry the full name in their tooltip; cell text is cut with an ellipsis.
      const title = await page.getAttribute('.vt-hcell[data-column-id="params.p1"]', 'title');
      check(title?.split('\n')[0] === 'p1' && title.includes('params.p1'), `a header's tooltip names the full column (${JSON.stringify(title)})`);
      const overflow = await page.$eval('.vt-row .vt-cell[aria-colindex="3"] .vt-text', (t) => getComputedStyle(t).textOverflow);
      check(overflow === 'ellipsis', `cell text is cut with an ellipsis (${overflow})`);
      // Sort: click Name, then shift-click a metric.
      await page.click('.vt-hcell[data-column-id="name"]');
      await page.click('.vt-hcell[data-column-id="metrics.m0"]', { modifiers: ['Shift'] });
      const sort = await page.evaluate(() => window.__state.sort);
      check(sort.length === 2 && sort[0].id === 'name' && sort[1].id === 'metrics.m0', 'shift-click adds a second sort key');
      await page.waitForFunction(() => document.querySelector('.vt-row .vt-cell[aria-colindex="2"]')?.textContent === 'run-0');
      check(true, 'rows follow the sort (run-0 first by name)');
      // A third key on a long label: every header keeps its whole label beside the sort arrow and rank.
      await page.click('.vt-hcell[data-column-id="experiment"]', { modifiers: ['Shift'] });
      await page.waitForSelector('.vt-hcell[data-column-id="experiment"] sup');
      const cut = await page.$$eval('.vt-hcell .hlabel', (ls) => ls.filter((l) => l.scrollWidth > l.clientWidth).map((l) => l.textContent));
      check(cut.length === 0, `no header label is cut at its default width, sorted or not (cut: ${JSON.stringify(cut)})`);
      // Metric values keep their six significant digits ("0.000298123") at the default width.
      await page.$eval('.vt', (v) => (v.scrollLeft = v.scrollWidth));
      await page.waitForSelector('.vt-row .vt-cell.vt-right[aria-colindex] >> nth=0');
      await page.waitForFunction(() => document.querySelectorAll('.vt-hcell[data-column-id^="metrics."]').length > 5);
      await page.waitForTimeout(200);
      const cutValues = await page.$$eval('.vt-row .vt-cell.vt-right .vt-text', (ts) =>
        ts.filter((t) => t.scrollWidth > t.clientWidth).map((t) => t.textContent),
      );
      const seen = await page.$$eval('.vt-row .vt-cell.vt-right .vt-text', (ts) => ts.length);
      check(seen > 100 && cutValues.length === 0, `no metric value is cut at the default width (${seen} cells; cut: ${JSON.stringify(cutValues.slice(0, 5))})`);
      await page.$eval('.vt', (v) => (v.scrollLeft = 0));
      // Bad filter, then a good one.
      await page.fill('[data-testid=filter]', 'metrics.m0 <');
      await page.press('[data-testid=filter]', 'Enter');
      await page.waitForSelector('[data-testid=filter-error]:not([hidden])');
      check(/column \d+/.test(await page.textContent('[data-testid=filter-error]')), 'bad filter shows the error with its column');
      await page.fill('[data-testid=filter]', "metrics.m0 < 0.5 and params.p0 = 'adam'");
      await page.press('[data-testid=filter]', 'Enter');
      await page.waitForSelector('[data-testid=filter-error][hidden]', { state: 'attached' });
      const filtered = await count(page);
      check(filtered > 0 && filtered < SHAPE.runs, `filter narrows the table (${filtered})`);
      await page.fill('[data-testid=filter]', '');
      await page.press('[data-testid=filter]', 'Enter');
      await page.waitForFunction((n) => document.querySelector('[data-testid=run-count]').textContent.replace(/\D/g, '') === String(n), SHAPE.runs);
      // Select three runs (click, shift-click) that have the long 'curve' metric.
      await page.click('.vt-hcell[data-column-id="name"]');
      await page.click('.vt-row[data-row="0"] .vt-cell[aria-colindex="2"]', { timeout: 5000 });
      await page.click('.vt-row[data-row="2"] .vt-cell[aria-colindex="2"]', { modifiers: ['Shift'] });
      check((await page.evaluate(() => window.__state.selected.length)) === 3, 'shift-click selects a range');
      // A selected row's pinned Name cell stays opaque over the columns scrolled under it, even in
      // a theme without an inactive-selection color (as high-contrast themes may be; so is the harness').
      await page.evaluate(() => document.querySelector('[data-testid=filter]').focus());
      const pinnedBg = await page.$eval('.vt-row.vt-selected .vt-cell.vt-pinned[aria-colindex="2"]', (c) => getComputedStyle(c).backgroundImage);
      check(pinnedBg !== 'none', `a selected row's pinned cell is opaque (${pinnedBg.slice(0, 60)})`);
      // The first metric ('curve', the long one) is charted by default; add another.
      await page.selectOption('[data-testid=add-metric]', 'm0');
      await page.waitForSelector('[data-metric=m0] canvas');
      await page.waitForFunction(() => document.querySelector('[data-metric=curve] .chart-caption')?.textContent?.includes('runs'));
      const caption = await page.textContent('[data-metric=curve] .chart-caption');
      check(caption.includes('min/max per bucket'), `long series downsampled (${caption})`);
      // m0 is a summary value only (no steps): its chart says so instead of a blank plot.
      await page.waitForSelector('[data-metric=m0] [data-testid=chart-empty]:not([hidden])');
      check(
        (await page.textContent('[data-metric=m0] [data-testid=chart-empty]')).includes('logged no steps of m0'),
        'a metric without steps says why its chart is blank',
      );
      check(await page.isHidden('[data-metric=curve] [data-testid=chart-empty]'), 'a chart with points has no such note');
      const colors = await page.evaluate(() => Object.values(window.__state.colors));
      check(new Set(colors).size === 3, 'each selected run has its own color');
      // The chart toolbar's native checkbox and slider are drawn in the theme's scheme, not as
      // white boxes on the dark editor.
      const white = { log: await whiteShare(page, '[data-testid=log-scale]'), smoothing: await whiteShare(page, '[data-testid=smoothing]') };
      check(white.log < 0.2 && white.smoothing < 0.2, `native controls follow the dark theme (white share ${JSON.stringify(white)})`);
      await checkCharts(page, harness);
      // Keyboard: the grid moves its active cell and scrolls.
      await page.focus('.vt');
      await page.keyboard.press('Control+End');
      await page.waitForFunction(() => document.querySelector('.vt').scrollTop > 1000);
      // The rows at the new scroll position render on the next frame, which a loaded machine delays.
      const activeShown = await page.waitForSelector('.vt-active', { state: 'visible', timeout: 5000 }).then(
        () => true,
        () => false,
      );
      check(activeShown, 'Ctrl+End moves to the last row, scrolled into view');
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('PageDown');
      // Rows ~10..100: past the first page, and not the last row the Ctrl+End frame may still show.
      await page.waitForFunction(() => {
        const row = Number(document.querySelector('.vt-active')?.closest('.vt-row')?.dataset.row);
        return row > 10 && row < 100;
      });
      check((await page.getAttribute('.vt-active', 'aria-colindex')) === '1', 'Ctrl+Home, then PageDown moves a page down in the first column');
      // Star, CSV, PNG post to the host.
      await page.click('.vt-row[data-row="1"] [data-testid=star]');
      await page.click('[data-testid=export-csv]');
      await page.click('[data-metric=curve] [data-testid=save-png]');
      const types = await page.evaluate(() => window.__posted.map((m) => m.type));
      for (const t of ['star', 'exportCsv', 'savePng']) check(types.includes(t), `posts ${t}`);
      const png = await page.evaluate(() => window.__posted.find((m) => m.type === 'savePng').dataUrl.length);
      check(png > 1000, 'chart PNG has content');
      // Only differing columns hides the constant param p2.
      await page.check('[data-testid=only-differing]');
      check((await page.locator('.vt-hcell[data-column-id="params.p2"]').count()) === 0, 'only differing hides a constant param');
      // Parallel coordinates and scatter over every filtered run.
      await page.click('[data-testid=plots] > summary');
      await page.waitForFunction(() => document.querySelector('.plots')?.dataset.points !== undefined);
      check((await page.getAttribute('.plots', 'data-points')) === String(SHAPE.runs), 'plots draw every filtered run');
      const inked = await page.$eval('[data-testid=scatter]', (c) => c.toDataURL().length);
      check(inked > 5000, 'scatter has points');
      // Points are drawn in the theme's chart blue (#3794ff here), large enough to read: count its
      // pixels on a metric every run has (the default y, 'curve', has 6 runs).
      await page.selectOption('[data-testid=scatter-y]', 'metrics.m0');
      await page.waitForFunction(() => document.querySelector('[data-testid=scatter-y]')?.value === 'metrics.m0');
      await page.waitForTimeout(300);
      const dots = await page.$eval('[data-testid=scatter]', (c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let blue = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 100 && d[i + 2] > 90 && d[i + 2] - d[i] > 50) blue++;
        return { blue, radius: Number(c.dataset.pointRadius), color: c.dataset.pointColor };
      });
      check(dots.radius >= 3 && dots.blue > 3000, `scatter points are visible in the chart color (${JSON.stringify(dots)})`);
      // The y-axis labels fit left of the axis: no ink is cut at the canvas' left edge.
      const leftInk = await page.$eval('[data-testid=scatter]', (c) => {
        const d = c.getContext('2d').getImageData(0, 0, 1, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      });
      check(leftInk === 0, `nothing is clipped at the scatter's left edge (${leftInk} inked px in column 0)`);
      await page.locator('[data-testid=plots]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(outDir, 'compare-plots-dark.png') });
      await page.click('[data-testid=plots] > summary');
      // Group by the optimizer: one row per value with means; Enter drills into a group.
      await page.selectOption('[data-testid=group-by]', 'params.p0');
      await page.waitForSelector('[data-testid=group-table] .vt[data-groups="4"] .vt-row');
      check(await page.isHidden('[data-testid=runs-table]'), 'grouping replaces the runs table with 4 groups');
      await page.screenshot({ path: join(outDir, 'compare-grouped-dark.png') });
      await page.focus('[data-testid=group-table] .vt');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('[data-testid=run-count]').textContent.startsWith('750 '));
      check((await page.inputValue('[data-testid=filter]')) === "params.p0 = 'adam'", 'Enter on a group filters the table to it');
      await page.fill('[data-testid=filter]', '');
      await page.press('[data-testid=filter]', 'Enter');
      await page.waitForFunction((n) => document.querySelector('[data-testid=run-count]').textContent.replace(/\D/g, '') === String(n), SHAPE.runs);
      // Resize the Name column by its grip; the width is kept in state.
      // The header is redrawn when the filtered table arrives: wait for the grip to be laid out again.
      const gripLocator = page.locator('.vt-hcell[data-column-id="name"] .vt-resize');
      await gripLocator.waitFor({ state: 'visible' });
      const grip = await gripLocator.boundingBox();
      if (!grip) throw new Error('the Name column has no resize grip');
      await page.mouse.move(grip.x + 2, grip.y + 5);
      await page.mouse.down();
      await page.mouse.move(grip.x + 62, grip.y + 5, { steps: 4 });
      await page.mouse.up();
      const width = await page.evaluate(() => window.__state.widths.name);
      check(width >= 230 && width <= 250, `dragging the grip resizes the column (${width} px)`);
      // A reload (VS Code restoring the panel from its saved state) keeps the width.
      {
        const savedAfterResize = await page.evaluate(() => window.__state);
        const again = await open(sc, store.db, savedAfterResize);
        await again.page.waitForSelector('.vt-row .vt-cell:not(.loading)');
        const restored = await again.page.$eval('.vt-hcell[data-column-id="name"]', (c) => c.getBoundingClientRect().width);
        check(Math.abs(restored - width) < 1, `the resized width survives a reload (${restored} px)`);
        check(again.problems.length === 0, 'the reloaded page has no console errors');
        await again.page.close();
      }
      // A live update re-queries and keeps the selection.
      const before = await page.evaluate(() => window.__posted.filter((m) => m.type === 'table').length);
      await page.evaluate(() => window.__send({ type: 'changed', runIds: [] }));
      await page.waitForFunction((n) => window.__posted.filter((m) => m.type === 'table').length > n, before);
      check((await page.evaluate(() => window.__state.selected.length)) === 3, 'a live update re-queries and keeps the selection');
      await page.click('[data-testid=columns-button]');
      check(await page.isVisible('[data-testid=column-picker]'), 'column picker opens');
      await page.keyboard.press('Escape');
      // Ctrl+A after clicking a run (focus on its star button, as after starring) selects every
      // run, not the page's text; Cmd+A does the same.
      await page.click('.vt-row[data-row="4"] .vt-cell[aria-colindex="2"]');
      await page.waitForFunction(() => document.querySelector('[data-testid=selected-count]').textContent === '1 selected');
      await page.keyboard.press('Control+a');
      await page.waitForFunction((n) => document.querySelector('[data-testid=selected-count]').textContent === `${n.toLocaleString()} selected`, SHAPE.runs);
      check((await page.evaluate(() => window.__state.selected.length)) === SHAPE.runs, `Ctrl+A selects all ${SHAPE.runs} runs`);
      check((await page.evaluate(() => window.getSelection().toString())) === '', 'Ctrl+A selects no page text');
      await page.click('.vt-row[data-row="4"] .vt-cell[aria-colindex="2"]');
      await page.waitForFunction(() => window.__state.selected.length === 1, undefined, { timeout: 30_000 });
      await page.focus('.vt-row[data-row="3"] [data-testid=star]');
      // Rows are re-rendered whenever data or selection changes (a live update here), replacing the
      // focused star button: focus must move to the same star in the new row, or the key that
      // follows reaches nothing (this step failed in CI that way while the page was busy).
      await page.evaluate(() => {
        window.__focusedStar = document.activeElement;
        window.__send({ type: 'changed', runIds: [] });
      });
      await page.waitForFunction(() => !window.__focusedStar.isConnected, undefined, { timeout: 30_000 });
      check(
        await page.evaluate(() => document.activeElement?.matches('.vt-row[data-row="3"] [data-testid=star]')),
        'a focused star keeps focus (on its re-rendered button) when the rows are re-rendered',
      );
      await page.keyboard.press('Meta+a');
      // Polled on a timer: animation frames may not come while the page charts 3,000 runs.
      await page.waitForFunction((n) => window.__state.selected.length === n, SHAPE.runs, { timeout: 90_000, polling: 100 });
      check((await page.evaluate(() => window.getSelection().toString())) === '', 'Cmd+A from a focused star button selects all runs, no page text');
      await page.screenshot({ path: join(outDir, 'compare-select-all-dark.png') });
      // Every run is charted: the 6 that have the long metric get 6 lines in 6 colors.
      // Charting every run fetches 3,000 series: give a loaded machine time (bounded).
      await page.waitForFunction(() => window.__compare.charts.inspect('curve')?.lines === 6, undefined, { timeout: 90_000 });
      const all = await page.evaluate(() => window.__compare.charts.inspect('curve'));
      check(new Set(all.colors).size === 6, `every charted run has its own color (${all.colors.join(' ')})`);
      await page.locator('[data-metric=curve]').scrollIntoViewIfNeeded();
      await page.locator('[data-metric=curve]').screenshot({ path: join(outDir, 'compare-chart-all-runs-dark.png') });
    } else {
      await page.waitForSelector('.vt-row .vt-cell:not(.loading)');
      check((await page.inputValue('[data-testid=filter]')) === "params.p0 = 'adam'", 'filter restored');
      check((await page.getAttribute('.vt-hcell[data-column-id="metrics.m1"]', 'data-sorted')) === 'desc', 'sort restored');
      check((await page.inputValue('[data-testid=aggregate]')) === 'max', 'metric summary restored');
      check(await page.isChecked('[data-testid=log-scale]'), 'chart settings restored');
      check((await page.inputValue('[data-testid=x-axis]')) === 'relative', 'chart x axis restored');
      check((await page.inputValue('[data-testid=smoothing]')) === '0.6', 'chart smoothing restored');
    }
  } catch (e) {
    check(false, `${e.message.split('\n')[0]}${problems.length ? ` (${problems.join(' | ')})` : ''}`);
  }
  await page.waitForTimeout(300);
  const shot = join(outDir, `compare-${name}.png`);
  await page.screenshot({ path: shot });
  console.log(`  screenshot ${shot}`);
  await harness.checkFocusRings(page);
  harness.checkNoProblems(problems);
  await page.close();
  store.close();
}

await harness.finish();
