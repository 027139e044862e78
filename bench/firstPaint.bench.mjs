// Time to the first usable paint of the Compare Runs webview in Chromium (issue 5), on a store of
// 10,000 runs × 50 params × 50 metrics (bench/compareData.ts' generator, compiled to out/).
// The page is served as VS Code would (same template and CSP) and its requests are answered by
// the real query engine (test/webview-harness/compareHost.mjs). "Usable" = rows with data are in
// the DOM and a frame has been painted after that.
// Baseline, in the same run: a plain, non-virtualized HTML table of the first 100 rows × every
// column, with its data fetched through the same host path. Prints JSON; never asserts timings.
// Needs `npx tsc -p . && node scripts/build.mjs` (npm run bench does both). MLWB_BENCH_RUNS shrinks the store.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { answer, comparePage, createStore, root } from '../test/webview-harness/compareHost.mjs';

const RUNS = Number(process.env.MLWB_BENCH_RUNS ?? 10_000);
const REPS = 5;
/** Rows the baseline table shows (its query's limit). */
const BASELINE_ROWS = 100;
const init = { folderUri: 'file:///bench', scope: {}, title: 'Compare: all runs' };

const BASELINE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>baseline</title></head><body><script>
  const query = { filter: '', orderBy: ['start_time DESC', 'id ASC'], aggregate: 'last', offset: 0, limit: ${BASELINE_ROWS}, catalogue: true };
  window.__hostRequest({ type: 'table', requestId: 1, query }).then(([m]) => {
    const { catalogue, ids, cells } = m.page;
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    for (const c of catalogue) head.insertCell().textContent = c.id;
    const body = table.createTBody();
    ids.forEach((_, r) => { const tr = body.insertRow(); for (const c of catalogue) tr.insertCell().textContent = cells[c.id]?.[r] ?? ''; });
    document.body.append(table);
    window.__markUsable();
  });
</script></body></html>`;

const store = createStore({ runs: RUNS, params: 50, metrics: 50, longRuns: 0, longSteps: 0 });
let origin = '';
const server = createServer(async (req, res) => {
  const url = new URL(req.url, origin);
  const send = (type, body) => res.writeHead(200, { 'content-type': type }).end(body);
  if (url.pathname === '/page.html') return send('text/html', await comparePage(origin, { theme: 'dark', init }));
  if (url.pathname === '/baseline.html') return send('text/html', BASELINE);
  const file = url.pathname.startsWith('/harness/') ? join(root, 'test/webview-harness', url.pathname.slice(9)) : join(root, url.pathname);
  if (!file.startsWith(root) || !existsSync(file)) return res.writeHead(404).end();
  send({ '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' }[extname(file)] ?? 'application/octet-stream', readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });

let hostMs = 0;
/** ms from navigation start to the first painted frame after the page became usable. */
async function measure(path) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.exposeFunction('__hostRequest', (m) => {
    const t = performance.now();
    const out = answer(store.db, m);
    hostMs += performance.now() - t;
    return out;
  });
  await page.addInitScript(() => {
    // Two rAFs: the first runs before the paint of the frame that shows the rows, the second after it.
    window.__markUsable = () => requestAnimationFrame(() => requestAnimationFrame(() => (window.__usable ??= performance.now())));
    new MutationObserver((_, obs) => {
      if (document.querySelector('.vt-row .vt-cell:not(.loading):not(.vt-pinned)')) {
        obs.disconnect();
        window.__markUsable();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${origin}${path}`);
  await page.waitForFunction(() => window.__usable !== undefined, null, { timeout: 60_000 });
  const ms = await page.evaluate(() => window.__usable);
  await page.close();
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const run = async (path) => {
  await measure(path); // warm-up: browser caches, SQLite page cache
  hostMs = 0;
  const times = [];
  for (let i = 0; i < REPS; i++) times.push(await measure(path));
  return { ms: median(times), hostMs: hostMs / REPS };
};
const view = await run('/page.html');
const baseline = await run('/baseline.html');
await browser.close();
server.close();
store.close();
const r1 = (v) => +v.toFixed(1);
console.log(
  JSON.stringify(
    {
      bench: 'compare first paint (Chromium)',
      store: { runs: RUNS, params: 50, metrics: 50 },
      firstUsablePaintMs: r1(view.ms),
      queryMsPerLoad: r1(view.hostMs),
      baselineRows: BASELINE_ROWS,
      baselinePlainTableMs: r1(baseline.ms),
      baselineQueryMsPerLoad: r1(baseline.hostMs),
      ratioToBaseline: +(view.ms / baseline.ms).toFixed(3),
      note: `median of ${REPS} after a warm-up; virtualized view of ${RUNS.toLocaleString('en-US')} rows vs a plain table of the first ${BASELINE_ROWS} rows, same data path`,
    },
    null,
    2,
  ),
);
