// Loads the built Monitor webview in Chromium under the real CSP with a stand-in host that answers
// with reports shaped like the backend's (a deployment under shifted traffic with a drift alert; and
// one with no traffic and no linked snapshot). Checks the cards, charts, ranked drift table,
// histograms, window switch and its restore, thresholds form, empty states; writes screenshots.
//   node scripts/build.mjs && node test/webview-harness/monitor.mjs [--headed]
// Screenshots: .e2e-artifacts/webview-harness/monitor-<scenario>.png. Exits 1 on a failed check,
// a console error or a CSP violation.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTs, openHarness } from './common.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
if (!existsSync(join(root, 'dist/webview/monitor.js'))) throw new Error('Build first: node scripts/build.mjs');
const { webviewPage } = await importTs(root, "export * from './src/extension/shared/webview/htmlTemplate.ts';");

const now = Date.now();
const WINDOW_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000, '24h': 24 * 60 * 60_000 };
/** A time as the page writes it (formatClockTime): local, 24 h, with seconds. */
const clock = (t) => new Date(t).toTimeString().slice(0, 8);
const edges = Array.from({ length: 21 }, (_, i) => i);
const shares = (shift) => Array.from({ length: 20 }, (_, i) => Math.exp(-((i - 8 - shift) ** 2) / 8) / 5);
/**
 * `scale` multiplies the serving series' values (a later report with slower requests); `points` is
 * how many scrape intervals it has (0: the panel opened before the second scrape).
 */
function report(window, kind, scale = 1, points = 30) {
  const series =
    kind === 'busy'
      ? Array.from({ length: points }, (_, i) => ({
          // Every 5 s, the last one scraped 26 ms before the report was made (as the backend does).
          t: now - 26 - (points - 1 - i) * 5000,
          requests_per_s: (40 + (i % 7)) * scale,
          error_rate: i === 20 ? 0.05 : 0,
          p50_ms: (2 + (i % 3)) * scale,
          p95_ms: (6 + (i % 4)) * scale,
          p99_ms: (12 + (i % 5)) * scale,
          batch_size_mean: 1.5,
          in_flight: i % 3,
        }))
      : [];
  const drift =
    kind === 'busy'
      ? {
          training_rows: 2000,
          live_rows: 600,
          features: [
            {
              feature: 'f_income',
              kind: 'numeric',
              score: 0.79,
              psi: 3.1,
              ks: 0.79,
              ks_p_value: 0,
              js: 0.61,
              live_rows: 600,
              histogram: { edges, training: shares(0), live: shares(5) },
            },
            {
              feature: 'f_tenure',
              kind: 'numeric',
              score: 0.76,
              psi: 2.9,
              ks: 0.76,
              ks_p_value: 0,
              js: 0.58,
              live_rows: 600,
              histogram: { edges, training: shares(0), live: shares(4) },
            },
            {
              feature: 'f_age',
              kind: 'numeric',
              score: 0.04,
              psi: 0.01,
              ks: 0.04,
              ks_p_value: 0.9,
              js: 0.03,
              live_rows: 600,
              histogram: { edges, training: shares(0), live: shares(0.2) },
            },
          ],
        }
      : null;
  const fired = {
    time: new Date(now - 60_000).toISOString(),
    kind: 'drift_score',
    state: 'fired',
    value: 0.79,
    threshold: 0.3,
    feature: 'f_income',
    message: 'input drift (f_income) 0.790 is above 0.3',
  };
  return {
    deployment: { id: 'churn-1-test', model: 'churn', version: 1, status: 'healthy', url: 'http://127.0.0.1:8081' },
    window,
    generated_at: new Date(now).toISOString(),
    stats:
      kind === 'busy'
        ? {
            window,
            // As windowStats says it: one scrape and no interval yet: the server's lifetime totals; a
            // new deployment's first intervals: since the server started; a full history: the window.
            span: points === 0 ? 'lifetime' : points < 30 ? 'server_start' : 'window',
            from: points === 0 ? null : new Date(series[0].t - 5000).toISOString(),
            to: new Date(now - 26).toISOString(),
            requests: 1234,
            errors: 3,
            error_rate: 3 / 1234,
            requests_per_s: 41.2,
            latency_ms: { p50: 2.5, p95: 7.1, p99: 13.4 },
            batch_size_mean: 1.5,
            in_flight: 1,
          }
        : {
            window,
            span: 'window',
            from: new Date(now - 26 - WINDOW_MS[window]).toISOString(),
            to: new Date(now - 26).toISOString(),
            requests: 0,
            errors: 0,
            error_rate: 0,
            requests_per_s: 0,
            latency_ms: { p50: null, p95: null, p99: null },
            batch_size_mean: null,
            in_flight: 0,
          },
    series,
    predictions: { output: 'label', bins: kind === 'busy' ? series.map((p, i) => ({ t: p.t, counts: { 0: 10 + i, 1: 30 - i } })) : [] },
    sampled_requests: kind === 'busy' ? 120 : 0,
    drift,
    drift_problem:
      kind === 'busy'
        ? null
        : 'churn:1 has no training run in the registry, so lineage links no data snapshot. Log the training data in the training script (`run.log_input("data/train.csv")`) so lineage links it, or pick a snapshot as the reference.',
    reference: kind === 'busy' ? { snapshot_id: 'a1b2c3', snapshot_name: null, dataset: 'data/train.csv', table: 'train.csv', source: 'lineage' } : null,
    run_id: kind === 'busy' ? 'r1' : null,
    thresholds: kind === 'busy' ? { drift_score: 0.3 } : {},
    alerts: kind === 'busy' ? { active: { drift_score: fired }, history: [fired] } : { active: {}, history: [] },
  };
}

const scenarios = {
  'drift-dark': { theme: 'dark', kind: 'busy' },
  'empty-light': { theme: 'light', kind: 'empty' },
  // Opened on a new deployment: requests counted, no scrape interval yet; the next scrapes bring them.
  'first-scrapes-light': { theme: 'light', kind: 'busy', firstPoints: 0 },
};

/** Pixels of a chart's canvas in a line color (saturated; the grid, axes and background are gray). */
function chartInk(page, id) {
  return page.$eval(`[data-testid="chart-${id}"] canvas`, (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 80) n++;
    return n;
  });
}

let savedState;
const harness = await openHarness({
  root,
  pages: {
    webviewPage,
    scenarios,
    options: (sc) => ({ view: 'monitor', title: 'Monitor', theme: sc.theme, init: { folderUri: 'file:///w', deploymentId: 'churn-1-test' }, savedState }),
  },
});
const { outDir, check } = harness;
try {
  for (const [name, sc] of harness.scenarios(scenarios)) {
    const { page, problems } = await harness.newPage({ width: 1000, height: 900 });
    await page.exposeFunction('__host', async (m) =>
      m.type === 'setWindow' ? [{ type: 'report', report: report(m.window, sc.kind, 1, sc.firstPoints ?? 30) }] : [],
    );
    savedState = undefined;
    await harness.goto(page, name);
    await page.waitForSelector('[data-testid="monitor-title"]');
    check((await page.textContent('[data-testid="monitor-title"]')).includes('churn:1'), 'title names the model version');
    if (sc.firstPoints === 0) {
      await page.waitForSelector('[data-testid="chart-latency"] canvas');
      check((await chartInk(page, 'latency')) === 0, 'no interval yet: the latency chart draws nothing');
      // The cards then hold the server's totals since its start, and say so.
      const caption = () => page.textContent('[data-testid="stats-window"]');
      check(
        (await caption()) === 'Since the server started (one scrape so far)',
        `before the first interval the cards say they count since the server started (${await caption()})`,
      );
      for (const points of [1, 2]) {
        const r = report('5m', sc.kind, 1, points);
        await page.evaluate((m) => window.postMessage(m, '*'), { type: 'report', report: r });
        await page.waitForTimeout(300);
        const ink = { latency: await chartInk(page, 'latency'), traffic: await chartInk(page, 'traffic') };
        check(ink.latency > 0 && ink.traffic > 0, `${points} interval(s) after it: drawn (${JSON.stringify(ink)} colored pixels)`);
        // Cards and charts now describe the same intervals, from the server's start: named over the cards, on each card and on the charts' section.
        const want = `Since the server started at ${clock(Date.parse(r.stats.from))} (${points * 5}.0 s)`;
        const serving = await page.$eval('#section-serving', (e) => e.description ?? '');
        const tip = await page.$eval('[data-testid="stat-p99"]', (e) => e.title);
        check(
          (await caption()) === want && serving === want && tip === `p99 latency, ${want.charAt(0).toLowerCase()}${want.slice(1)}`,
          `${points} interval(s): the cards and the charts name their span (${await caption()} | ${serving} | ${tip})`,
        );
      }
      await page.screenshot({ path: join(outDir, `monitor-${name}.png`), fullPage: true });
    } else if (sc.kind === 'busy') {
      check((await page.textContent('[data-testid="stat-requests"]')).includes('1,234'), 'request count card');
      check((await page.textContent('[data-testid="stats-window"]')) === 'Last 5 min', 'the cards name the window they count');
      check((await page.textContent('[data-testid="stat-p99"]')).includes('13.4 ms'), 'p99 card');
      check(await page.$eval('[data-testid="stat-p99"]', (e) => !e.classList.contains('alert')), 'p99 card not flagged (no p99 alert)');
      check((await page.textContent('[data-testid="alert-banner"]')).includes('input drift (f_income)'), 'alert banner names the drifted feature');
      await page.waitForSelector('[data-testid="chart-latency"] canvas');
      check((await page.$$('.chart-box canvas')).length >= 4, 'serving and prediction charts drawn');
      // The time axis is the chosen window, ending at the report's time, whatever the data covers.
      const axis = await page.evaluate(() => window.__monitor.charts.get('latency').chart.inspect().x);
      check(
        axis[0] === now - 5 * 60_000 && axis[1] === now + 6_000,
        `the latency chart's time axis is the 5 min window, and 2% of room after it (${axis.map((t) => new Date(t).toISOString()).join(' … ')})`,
      );
      // Ticks on the readout's 24-hour clock ("21:58"), not uPlot's default "9:58pm".
      const ticks = await page.evaluate(() => window.__monitor.charts.get('latency').chart.inspect().xTicks);
      check(
        ticks.length > 0 && ticks.every((t) => !/[ap]m/i.test(t)) && ticks.some((t) => /^\d\d:\d\d/.test(t)),
        `time ticks on a 24-hour clock, as the readout writes a time (${ticks.join(' | ')})`,
      );
      // Each report (every scrape) rescales y to what it brings: a panel opened on the first scrapes
      // kept the y range of those, and slower requests later drew outside it (nothing visible).
      const latencyY = async (r) => {
        await page.evaluate((m) => window.postMessage(m, '*'), { type: 'report', report: r });
        await page.waitForTimeout(300);
        return page.evaluate(() => window.__monitor.charts.get('latency').chart.inspect().y);
      };
      const slower = await latencyY(report('5m', sc.kind, 10));
      const back = await latencyY(report('5m', sc.kind));
      check(slower[1] >= 160 && back[1] < 40, `the latency chart's y axis follows each report (up to ${slower[1]} ms, then ${back[1]} ms)`);
      // The panel opened on a new deployment: one interval so far, scraped just before the report.
      await latencyY(report('5m', sc.kind, 1, 1));
      const one = await page.evaluate(() => window.__monitor.charts.get('latency').chart.inspect());
      const room = (one.x[1] - one.xs[0][0]) / (one.x[1] - one.x[0]);
      check(one.xs[0].length === 1 && room > 0.01, `a lone newest point is inside the plot, not on its clipped edge (${(room * 100).toFixed(2)}% from it)`);
      await latencyY(report('5m', sc.kind));
      // A drag zooms, the next report (every scrape) keeps the zoom, a double-click returns to the window.
      const latencyAxis = () => page.evaluate(() => window.__monitor.charts.get('latency').chart.inspect().x);
      const over = await page.locator('[data-testid="chart-latency"] .u-over').boundingBox();
      await page.mouse.move(over.x + over.width * 0.3, over.y + over.height / 2);
      await page.mouse.down();
      await page.mouse.move(over.x + over.width * 0.6, over.y + over.height / 2, { steps: 5 });
      await page.mouse.up();
      const zoomed = await latencyAxis();
      await page.evaluate((m) => window.postMessage(m, '*'), { type: 'report', report: report('5m', sc.kind) });
      await page.waitForTimeout(300);
      const afterReport = await latencyAxis();
      check(
        zoomed[1] - zoomed[0] < 3 * 60_000 && afterReport[0] === zoomed[0] && afterReport[1] === zoomed[1],
        `a drag zoom survives the next report (${Math.round((afterReport[1] - afterReport[0]) / 1000)} s shown)`,
      );
      await page.mouse.dblclick(over.x + over.width / 2, over.y + over.height / 2);
      // Hovering a time chart reads out a time of day, not epoch milliseconds.
      await page.mouse.move(over.x + over.width * 0.9, over.y + over.height / 2);
      const readout = '[data-testid="chart-latency"] [data-testid="chart-readout"]';
      await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.hovering === 'true', readout);
      const hovered = await page.textContent(readout);
      check(/^p\d\d ms · time \d\d:\d\d:\d\d → [\d.]+$/.test(hovered), `hovering a latency point reads out its time of day (${hovered})`);
      await page.mouse.move(over.x, over.y - 40);
      const reset = await latencyAxis();
      check(reset[0] === now - 5 * 60_000 && reset[1] === now + 6_000, 'double-click returns to the 5 min window');
      const rows = await page.$$eval('[data-testid="drift-table"] vscode-table-row', (rs) => rs.map((r) => r.textContent.trim()));
      check(
        rows[0].startsWith('f_income') && rows[1].startsWith('f_tenure') && rows[2].startsWith('f_age'),
        `drift table worst first (${rows.map((r) => r.split(/\s/)[0]).join(', ')})`,
      );
      check((await page.$$('[data-testid^="hist-"] .bar.live')).length === 60, 'live-vs-training histograms per feature');
      check((await page.textContent('[data-testid="reference"]')).includes('linked by lineage'), 'the reference and where it came from');
      check((await page.$$('[data-testid="alert-history"] vscode-table-row')).length === 1, 'alert history listed');
      // Thresholds: a bad value is refused in the page; a good one is posted, error rate in percent → fraction.
      await page.$eval('[data-testid="threshold-errors"]', (e) => (e.value = 'abc'));
      await page.click('[data-testid="save-thresholds"]');
      check((await page.textContent('[data-testid="threshold-error"]')).includes('Error rate (%)'), 'a bad threshold is named');
      await page.$eval('[data-testid="threshold-errors"]', (e) => (e.value = '5'));
      await page.$eval('[data-testid="threshold-p99"]', (e) => (e.value = '250'));
      await page.click('[data-testid="save-thresholds"]');
      const posted = await page.evaluate(() => window.__posted.filter((m) => m.type === 'setThresholds'));
      check(
        posted.length === 1 && posted[0].thresholds.error_rate === 0.05 && posted[0].thresholds.p99_ms === 250 && posted[0].thresholds.drift_score === 0.3,
        `thresholds posted (${JSON.stringify(posted[0]?.thresholds)})`,
      );
      await page.screenshot({ path: join(outDir, `monitor-${name}.png`), fullPage: true });
      // Window: switch to 24 h, then reload with the saved state: the page asks for 24 h again.
      await page.click('[data-testid="window-24h"]');
      await page.waitForFunction(() => document.querySelector('[data-testid="stats-window"]')?.textContent === 'Last 24 h');
      savedState = await page.evaluate(() => window.__state);
      await page.reload();
      await page.waitForSelector('[data-testid="monitor-title"]');
      const first = await page.evaluate(() => window.__posted[0]);
      check(first.type === 'setWindow' && first.window === '24h', 'window choice restored after reload');
      await page.click('[data-testid="retrain"]');
      check(await page.evaluate(() => window.__posted.some((m) => m.type === 'retrain')), 'Retrain asks the host');
    } else {
      check((await page.textContent('[data-testid="no-traffic"]')).includes('No traffic yet'), 'no-traffic empty state');
      check((await page.textContent('[data-testid="drift-empty"]')).includes('pick a snapshot as the reference'), 'no linked snapshot: says how to link one');
      await page.click('[data-testid="pick-reference"]');
      check(await page.evaluate(() => window.__posted.some((m) => m.type === 'pickReference')), 'Pick a Snapshot asks the host');
      check((await page.$('[data-testid="retrain"]')) === null, 'no Retrain without a training run');
      await page.screenshot({ path: join(outDir, `monitor-${name}.png`), fullPage: true });
    }
    await harness.checkFocusRings(page);
    harness.checkNoProblems(problems);
    await page.close();
  }
} finally {
  await harness.finish();
}
