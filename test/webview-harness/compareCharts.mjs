// The Compare Runs harness's chart checks (test/webview-harness/compare.mjs), on the long 'curve'
// metric of three selected runs: hover readout, zoom with refetch, live update, smoothing, log
// scale, time axes and PNG export.
import { join } from 'node:path';
import { imagePixels } from './common.mjs';

/** Sum of |Δy| over a line's drawn points: smoothing must make it smaller. */
const variation = (ys) => {
  let sum = 0;
  let prev;
  for (const v of ys) {
    if (v === null) continue;
    if (prev !== undefined) sum += Math.abs(v - prev);
    prev = v;
  }
  return sum;
};

/** The long 'curve' chart of the selected runs: hover readout, zoom with refetch, smoothing, log, axes, PNG. */
export async function checkCharts(page, { check, outDir }) {
  const curve = '[data-metric=curve]';
  const inspect = () => page.evaluate(() => window.__compare.charts.inspect('curve'));
  const seriesRequests = () => page.evaluate(() => window.__posted.filter((m) => m.type === 'series' && m.request.keys[0] === 'curve').map((m) => m.request));
  await page.locator(curve).scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.__compare.charts.inspect('curve')?.lines === 2);
  const full = await inspect();
  check(full.x[0] <= 0 && full.x[1] >= 19_000, `the chart spans every step (${full.x.map(Math.round)})`);
  const readout = page.locator(`${curve} [data-testid=chart-readout]`);
  check(!(await readout.textContent()).includes('—'), 'no placeholder dashes before hovering');

  // Hover names the nearest run's point; leaving clears it.
  let over = await page.locator(`${curve} .u-over`).boundingBox();
  await page.mouse.move(over.x + over.width * 0.5, over.y + over.height * 0.6);
  await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid=chart-readout]`)?.dataset.hovering === 'true', curve);
  const hovered = await readout.textContent();
  // Mid-chart of 20,000 steps: the step has thousands separators, as in the rest of the UI.
  check(/^run-\d+ · step \d{1,3}(,\d{3})* → [\d.]+$/.test(hovered), `hover reads out the nearest run's point (${hovered})`);
  await page.mouse.move(over.x + over.width * 0.5, over.y - 40);
  await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid=chart-readout]`)?.dataset.hovering === 'false', curve);

  // Drag zooms along x and refetches the range from the backend: finer points than before.
  const before = (await seriesRequests()).length;
  await page.mouse.move(over.x + over.width * 0.4, over.y + 20);
  await page.mouse.down();
  await page.mouse.move(over.x + over.width * 0.45, over.y + 20, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((sel) => document.querySelector(`${sel} .chart-caption`)?.textContent?.includes('zoomed'), curve);
  const requests = await seriesRequests();
  const zoom = requests.at(-1);
  check(requests.length > before && zoom.range && zoom.range[0] > 7000 && zoom.range[1] < 10_000, `zoom refetches the range (${zoom.range?.map(Math.round)})`);
  await page.waitForFunction((r) => {
    const i = window.__compare.charts.inspect('curve');
    return i && Math.abs(i.x[0] - r[0]) < 1 && Math.abs(i.x[1] - r[1]) < 1;
  }, zoom.range);
  const zoomed = await inspect();
  const inRange = (info) => info.xs[0].filter((x) => x >= zoom.range[0] && x <= zoom.range[1]).length;
  check(inRange(zoomed) > 2 * inRange(full), `zoomed data is finer (${inRange(full)} → ${inRange(zoomed)} points in range)`);
  // A live update refetches with the zoom kept.
  await page.evaluate(() => window.__send({ type: 'changed', runIds: [] }));
  await page.waitForFunction(
    (n) => window.__posted.filter((m) => m.type === 'series').length > n,
    await page.evaluate(() => window.__posted.filter((m) => m.type === 'series').length),
  );
  await page.waitForTimeout(300);
  const live = await inspect();
  check(
    (await seriesRequests()).at(-1).range && Math.abs(live.x[0] - zoom.range[0]) < 1e-6 && Math.abs(live.x[1] - zoom.range[1]) < 1e-6,
    `a live update keeps the zoom (${live.x})`,
  );
  // Double-click resets the zoom and refetches the whole series.
  over = await page.locator(`${curve} .u-over`).boundingBox();
  await page.mouse.dblclick(over.x + over.width * 0.5, over.y + over.height * 0.5);
  await page.waitForFunction((sel) => !document.querySelector(`${sel} .chart-caption`)?.textContent?.includes('zoomed'), curve);
  await page.waitForFunction(() => window.__compare.charts.inspect('curve')?.x[1] >= 19_000);
  check(!(await seriesRequests()).at(-1).range, 'double-click resets the zoom and refetches everything');

  // Smoothing (EMA) calms the line.
  const rough = variation((await inspect()).ys[0]);
  await page.$eval('[data-testid=smoothing]', (el) => {
    el.value = '0.95';
    el.dispatchEvent(new Event('change'));
  });
  await page.waitForFunction(() => window.__compare.charts.inspect('curve')?.lines === 2);
  await page.waitForTimeout(200);
  const smooth = variation((await inspect()).ys[0]);
  check(smooth < rough * 0.5, `smoothing calms the line (variation ${rough.toFixed(1)} → ${smooth.toFixed(1)})`);

  // Log scale: a log y axis; values ≤ 0 would be gaps.
  await page.check('[data-testid=log-scale]');
  await page.waitForFunction(() => window.__compare.charts.inspect('curve')?.log === true);
  const log = await inspect();
  check(
    log.ys.every((ys) => ys.every((v) => v === null || v > 0)) && log.y[0] > 0,
    `log scale draws positive values on a log axis (y ${log.y.map((v) => v.toPrecision(3))})`,
  );
  await page.locator(curve).screenshot({ path: join(outDir, 'compare-chart-log-smoothed-dark.png') });

  // Wall time and relative time axes.
  await page.selectOption('[data-testid=x-axis]', 'time');
  await page.waitForFunction(() => window.__compare.charts.inspect('curve')?.time === true);
  check((await inspect()).x[0] > Date.UTC(2025, 0, 1), 'wall-time axis in epoch ms with time ticks');
  await page.selectOption('[data-testid=x-axis]', 'relative');
  await page.waitForFunction(() => {
    const i = window.__compare.charts.inspect('curve');
    return i && !i.time && i.x[0] < 1000 && i.x[1] > 150_000;
  });
  over = await page.locator(`${curve} .u-over`).boundingBox();
  await page.mouse.move(over.x + over.width * 0.5, over.y + over.height * 0.5);
  await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid=chart-readout]`)?.dataset.hovering === 'true', curve);
  const relative = await readout.textContent();
  check(/ · after \d+m \d+s → /.test(relative), `relative axis reads out durations (${relative})`);
  await page.mouse.move(over.x, over.y - 40);

  // PNG export: the plot on the theme's background, with the runs' colors in it.
  await page.click(`${curve} [data-testid=save-png]`);
  const dataUrl = await page.evaluate(() => window.__posted.filter((m) => m.type === 'savePng').at(-1).dataUrl);
  const png = await imagePixels(page, Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
  const d = png.data;
  let opaque = 0;
  let runColored = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] === 255) opaque++;
    // Run 1's red (#f14c4c) or run 0's blue (#3794ff).
    if ((d[i] > 200 && d[i + 1] < 110 && d[i + 2] < 110) || (d[i] < 90 && d[i + 1] > 120 && d[i + 2] > 230)) runColored++;
  }
  const pixels = { w: png.width, opaque, total: d.length / 4, runColored };
  check(pixels.w > 300 && pixels.opaque === pixels.total && pixels.runColored > 200, `PNG export is opaque with the runs' lines (${JSON.stringify(pixels)})`);

  // Back to the defaults for the rest of the scenario.
  await page.selectOption('[data-testid=x-axis]', 'step');
  await page.uncheck('[data-testid=log-scale]');
  await page.$eval('[data-testid=smoothing]', (el) => {
    el.value = '0';
    el.dispatchEvent(new Event('change'));
  });
}
