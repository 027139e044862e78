// Loads the built run details webview in Chromium with a fake VS Code host, under the same HTML
// and CSP the extension serves, clicks through it, and writes screenshots.
//   node scripts/build.mjs && node test/webview-harness/run.mjs [--only <scenario>] [--headed]
// Screenshots: .e2e-artifacts/webview-harness/<scenario>.png. Exits 1 on a failed check, a console
// error or a CSP violation.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTs, openHarness } from './common.mjs';
import { sampleDetails, sampleMetrics, sampleSvg } from './sample.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
if (!existsSync(join(root, 'dist/webview/runDetails.js'))) throw new Error('Build first: node scripts/build.mjs');

// The page template and the downsampler, straight from the TypeScript sources.
const { webviewPage, downsample, countNonFinite } = await importTs(
  root,
  "export * from './src/extension/shared/webview/htmlTemplate.ts'; export { countNonFinite, downsample } from './src/shared/series.ts';",
);

const OPEN_ALL = { overview: true, metrics: true, params: true, tags: true, artifacts: true, output: true, environment: true };
const init = { folderUri: 'file:///home/ada/projects/cifar', runId: '0195a1b2c3d4e5f6a7b8c9d0e1f2a3b4' };
function messages(details, steps, base) {
  const metrics = Object.entries(sampleMetrics(steps))
    .filter(([key]) => key in details.run.metrics)
    .map(([key, points]) => ({ type: 'metric', key, points: downsample(points, 4000), total: points.length, nonFinite: countNonFinite(points) }));
  return [{ type: 'details', details, artifactsBaseUri: `${base}/artifacts` }, ...metrics];
}
const scenarios = {
  'running-dark': { theme: 'dark', status: 'running', steps: 600 },
  'finished-light': { theme: 'light', status: 'finished', steps: 30_000, state: { init, open: OPEN_ALL, packageFilter: 'torch' } },
  'empty-failed-dark': { theme: 'dark', status: 'failed', steps: 0, empty: true },
  'error-dark': { theme: 'dark', error: 'Could not load run 0195a1b2: The ML Workbench backend is not running.' },
};

const harness = await openHarness({
  root,
  pages: {
    webviewPage,
    scenarios,
    options: (sc, name, origin) => ({
      view: 'runDetails',
      title: 'Run details',
      theme: sc.theme,
      init,
      scripts: [`${origin}/scenario.js?name=${name}`, `${origin}/harness/fake-vscode.js`],
    }),
  },
  route: (url, send, origin) => {
    const sc = scenarios[url.searchParams.get('name') ?? ''];
    if (url.pathname === '/scenario.js' && sc) {
      const details = sc.error ? null : sampleDetails({ status: sc.status, steps: sc.steps, empty: sc.empty });
      const msgs = details ? messages(details, sc.steps, origin) : [{ type: 'error', message: sc.error }];
      return send('text/javascript', `window.__MLWB_SCENARIO__ = ${JSON.stringify({ savedState: sc.state, messages: msgs })};`);
    }
    if (url.pathname.startsWith('/artifacts/plots/')) return send('image/svg+xml', sampleSvg(url.pathname, url.pathname.includes('confusion') ? 210 : 30));
  },
});
const { origin, outDir, check } = harness;

for (const [name, sc] of harness.scenarios(scenarios)) {
  const { page, problems } = await harness.newPage({ width: 1100, height: 900 });
  await harness.goto(page, name);
  await page.waitForSelector(sc.error ? 'body[data-state=error]' : 'body[data-state=ready]', { timeout: 10_000 });
  const posted = () => page.evaluate(() => window.__posted.map((m) => m.type));
  check((await posted()).includes('ready'), 'posts ready');
  if (sc.error) {
    check(await page.isVisible('[data-testid=error-banner]'), 'error banner shown');
  } else if (sc.empty) {
    for (const id of ['empty-metrics', 'empty-params', 'empty-tags', 'empty-artifacts', 'empty-output'])
      check(await page.isVisible(`[data-testid=${id}]`), `${id} shown`);
    check(await page.isVisible('[data-testid=run-error]'), 'failed run shows its error');
  } else {
    await page.waitForSelector('[data-testid=metric-chart] canvas');
    check((await page.locator('[data-testid=metric-chart]').count()) === 4, 'one chart per metric');
    // Count and Last step are written alike (with thousands separators), "30,000" beside "29,999".
    const counts = await page.$$eval('[data-testid=metrics-table] vscode-table-row', (rows) =>
      rows.map((r) => [...r.querySelectorAll('vscode-table-cell')].slice(4).map((c) => c.textContent)),
    );
    const bare = counts.filter((pair) => pair.some((t) => /^\d{4,}$/.test(t)));
    check(counts.length === 4 && bare.length === 0, `metric counts and last steps carry thousands separators (${JSON.stringify(counts)})`);
    // Steps are whole numbers: a one-point metric (lr, at step 0) gets its step as the one tick, no
    // "-0.75" or "-1"; a long one (loss) whole-number ticks.
    await page.waitForFunction(() => window.__runDetails.metrics.inspect('lr')?.xTicks.length > 0);
    const ticks = await page.evaluate(() => ['lr', 'loss'].map((k) => window.__runDetails.metrics.inspect(k)?.xTicks ?? []));
    check(ticks[0].join() === '0', `a one-step metric's axis has that step as its one tick (lr: ${ticks[0].join(' ')})`);
    check(
      ticks[1].length > 2 && ticks[1].every((t) => /^\d{1,3}(,\d{3})*$/.test(t)),
      `a step axis has whole-number ticks, written as steps are (loss: ${ticks[1].join(' ')})`,
    );
    // Not hovering, a chart reads out its last value (never "step: — loss: —"); hovering, the point.
    const lossReadout = '[data-metric=loss] [data-testid=chart-readout]';
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.startsWith('last '), lossReadout);
    const resting = await page.textContent(lossReadout);
    // Steps are written as everywhere else: "29,999", never "29999" (a 5-digit run of digits fails the pattern).
    check(/^last [\d.e-]+ at step \d{1,3}(,\d{3})*$/.test(resting) && !resting.includes('—'), `chart shows the last value when not hovering (${resting})`);
    const plot = await page.locator('[data-metric=loss] .u-over').boundingBox();
    await page.mouse.move(plot.x + plot.width * 0.3, plot.y + plot.height * 0.5);
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.hovering === 'true', lossReadout);
    const hovering = await page.textContent(lossReadout);
    check(/^loss · step \d{1,3}(,\d{3})* → [\d.e-]+$/.test(hovering), `hovering reads out the point, its step with thousands separators (${hovering})`);
    await page.mouse.move(plot.x, plot.y - 30);
    await page.click('[data-testid=open-source]');
    await page.click('[data-testid=show-diff]');
    await page.click('[data-testid=artifact][data-path="config.yaml"]');
    await page.focus('[data-testid=open-output]');
    await page.keyboard.press('Enter');
    const types = await posted();
    for (const t of ['openSource', 'showDiff', 'openArtifact', 'openOutput']) check(types.includes(t), `posts ${t}`);
    const pre = await page.$eval('[data-testid=output-log]', (el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 2);
    check(pre, 'output scrolled to the end');
    check(await page.isVisible('[data-testid=ingest-issues]'), 'ingest issues shown');
    const imgsLoaded = await page.$$eval('[data-testid=artifact-thumb] img', (imgs) => imgs.every((i) => i.complete && i.naturalWidth > 0));
    check(imgsLoaded, 'image thumbnails load under the CSP');
    if (sc.status === 'running') {
      check(await page.isVisible('.status-icon.codicon-modifier-spin'), 'running run shows a spinner');
      // A live update: more points, and the chart caption follows.
      const next = sampleDetails({ status: 'running', steps: 900 });
      await page.evaluate((msgs) => msgs.forEach((m) => window.__send(m)), messages(next, 900, origin));
      await page.waitForFunction(() => document.querySelector('[data-metric=loss] .chart-caption')?.textContent?.startsWith('900 points'));
      check(true, 'live update re-renders the chart');
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.endsWith('at step 899'), lossReadout);
      check(true, 'the resting readout follows live data (last at step 899)');
    } else {
      const shown = await page.$$eval('[data-testid=packages-list] li', (li) => li.map((l) => l.textContent));
      check(shown.length === 2 && shown.every((s) => s.includes('torch')), 'package filter restored from state');
      check((await page.textContent('[data-metric=loss] .chart-caption')).includes('min/max per bucket'), 'long series downsampled');
    }
    await page.click('#section-params >> text=Params');
    check((await page.evaluate(() => window.__state.open.params)) === false, 'section toggle persisted in state');
    await page.click('#section-params >> text=Params');
  }
  await page.waitForTimeout(300);
  const shot = join(outDir, `${name}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`  screenshot ${shot}`);
  await harness.checkFocusRings(page);
  harness.checkNoProblems(problems);
  await page.close();
}

await harness.finish();
