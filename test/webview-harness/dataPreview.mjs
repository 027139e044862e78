// Loads the built data preview webview in Chromium under the real CSP with a fake host that
// answers page requests, clicks through its modes and writes screenshots.
//   node scripts/build.mjs && node test/webview-harness/dataPreview.mjs [--only <scenario>] [--headed]
// Screenshots: .e2e-artifacts/webview-harness/data-<scenario>.png. Exits 1 on a failed check,
// a console error or a CSP violation.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTs, openHarness } from './common.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
if (!existsSync(join(root, 'dist/webview/dataPreview.js'))) throw new Error('Build first: node scripts/build.mjs');

const { webviewPage } = await importTs(root, "export * from './src/extension/shared/webview/htmlTemplate.ts';");

const folderUri = 'file:///home/ada/projects/weather';
const hist = (n, f) => ({
  edges: Array.from({ length: n + 1 }, (_, i) => i * 1.5),
  counts: Array.from({ length: n }, (_, i) => Math.round(f(i))),
  sampled: false,
});
const profile = {
  name: 'weather.csv in snapshot v2',
  format: 'csv',
  rows: 10000,
  columns: [
    {
      name: 'id',
      type: 'integer',
      count: 10000,
      missing: 0,
      distinct: 10000,
      distinct_approximate: false,
      min: 0,
      max: 9999,
      mean: 4999.5,
      std: 2886.9,
      histogram: hist(20, () => 500),
    },
    {
      name: 'city',
      type: 'string',
      count: 10000,
      missing: 12,
      distinct: 3,
      distinct_approximate: false,
      top: [
        { value: 'oslo', count: 4000 },
        { value: 'rome', count: 3500 },
        { value: 'lima', count: 2488 },
      ],
    },
    {
      name: 'temp',
      type: 'number',
      count: 10000,
      missing: 230,
      distinct: 2931,
      distinct_approximate: false,
      min: -12.5,
      max: 31.2,
      mean: 11.84,
      std: 7.3,
      histogram: hist(20, (i) => 900 * Math.exp(-((i - 10) ** 2) / 12)),
    },
    { name: 'humidity', type: 'integer', count: 10000, missing: 10000, distinct: 0, distinct_approximate: false },
  ],
};
const drift = {
  rows_a: 500,
  rows_b: 800,
  columns: [
    {
      column: 'temp',
      kind: 'numeric',
      type_a: 'number',
      type_b: 'number',
      score: 0.41,
      ks: 0.41,
      ks_p_value: 1e-12,
      psi: 0.73,
      missing_a: 0,
      missing_b: 0.02,
      sampled: false,
    },
    {
      column: 'city',
      kind: 'categorical',
      type_a: 'string',
      type_b: 'string',
      score: 0.12,
      js_distance: 0.12,
      tvd: 0.1,
      missing_a: 0,
      missing_b: 0,
      sampled: false,
    },
    {
      column: 'id',
      kind: 'numeric',
      type_a: 'integer',
      type_b: 'integer',
      score: 0.03,
      ks: 0.03,
      ks_p_value: 0.9,
      psi: 0.004,
      missing_a: 0,
      missing_b: 0,
      sampled: false,
    },
  ],
  columns_added: ['humidity'],
  columns_removed: [],
};
const diff = {
  a: 'a',
  b: 'b',
  added: ['extra.jsonl'],
  removed: ['old/notes.txt'],
  modified: ['weather.csv'],
  files: [
    { path: 'extra.jsonl', status: 'added', size_a: null, size_b: 1200 },
    { path: 'old/notes.txt', status: 'removed', size_a: 80, size_b: null },
    { path: 'weather.csv', status: 'modified', size_a: 14_000, size_b: 25_500 },
  ],
  tabular: [
    {
      path: 'weather.csv',
      rows_a: 500,
      rows_b: 800,
      columns_added: ['humidity'],
      columns_removed: [],
      type_changed: [{ column: 'id', from: 'integer', to: 'string' }],
    },
  ],
};
const scenarios = {
  'table-dark': { theme: 'dark', init: { folderUri, mode: 'table', title: 'weather.csv @ v2', source: { snapshot: 'b', path: 'weather.csv' } }, table: 10_000 },
  'profile-light': {
    theme: 'light',
    init: { folderUri, mode: 'profile', title: 'weather.csv @ v2', source: { path: 'data/weather.csv' } },
    messages: [{ type: 'profile', profile }],
  },
  'drift-dark': {
    theme: 'dark',
    init: { folderUri, mode: 'drift', title: 'Drift v1 → v2', a: 'a', b: 'b', path: 'weather.csv' },
    messages: [{ type: 'drift', drift, labels: { a: 'v1', b: 'v2' }, path: 'weather.csv' }],
  },
  'diff-light': {
    theme: 'light',
    init: { folderUri, mode: 'diff', title: 'Diff v1 ↔ v2', a: 'a', b: 'b' },
    messages: [{ type: 'diff', diff, labels: { a: 'v1', b: 'v2' } }],
  },
  'gallery-dark': { theme: 'dark', init: { folderUri, mode: 'gallery', title: 'images', source: { path: 'images' } }, gallery: 130 },
  'error-dark': {
    theme: 'dark',
    init: { folderUri, mode: 'table', title: 'bad.csv', source: { path: 'data/bad.csv' } },
    messages: [
      {
        type: 'error',
        message:
          'data/bad.csv: malformed CSV at line 3: a row has a different number of fields than the header (Invalid Record Length: expect 2, got 3 on line 3)',
      },
    ],
  },
};

// The fake host: records posts, answers `ready`, `loadPage` and `loadGallery` like the extension would.
const fakeHost = `(() => {
  const sc = window.__SCENARIO__;
  const posted = (window.__posted = []);
  let state;
  const send = (m) => window.postMessage(m, '*');
  const cities = ['oslo', 'rome', 'lima'];
  const page = (offset, limit) => {
    const end = Math.min(sc.table, offset + limit);
    const rows = [];
    for (let i = offset; i < end; i++) rows.push([i, cities[i % 3], i % 17 === 0 ? null : Math.round(((i * 0.37) % 30) * 100) / 100, i % 100]);
    // Like CSV: the total is only known once a page reaches the end.
    return { type: 'page', page: { name: 'weather.csv in snapshot v2', format: 'csv', columns: ['id', 'city', 'temp', 'humidity'], rows, offset, total: end >= sc.table ? sc.table : null, done: end >= sc.table } };
  };
  const gallery = (offset, limit) => ({ type: 'gallery', gallery: { name: 'images', offset, total: sc.gallery, items: Array.from({ length: Math.max(0, Math.min(limit, sc.gallery - offset)) }, (_, k) => ({ path: 'cls' + ((offset + k) % 4) + '/img' + (offset + k) + '.svg', size: 900 + k, uri: location.origin + '/img/' + (offset + k) + '.svg' })) } });
  window.acquireVsCodeApi = () => ({
    postMessage(m) {
      posted.push(m);
      if (m.type === 'ready') {
        if (sc.table) send(page(0, 200));
        else if (sc.gallery) send(gallery(0, 48));
        else for (const x of sc.messages) send(x);
      }
      if (m.type === 'loadPage') setTimeout(() => send(page(m.offset, m.limit)), 20);
      if (m.type === 'loadGallery') send(gallery(m.offset, m.limit));
    },
    getState: () => state,
    setState: (s) => { state = s; window.__state = s; },
  });
})();`;

const svg = (n) => {
  const hue = (n * 47) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96" fill="hsl(${hue},60%,45%)"/><circle cx="48" cy="48" r="${10 + (n % 30)}" fill="hsl(${(hue + 180) % 360},70%,70%)"/></svg>`;
};

const harness = await openHarness({
  root,
  pages: {
    webviewPage,
    scenarios,
    options: (sc, name, origin) => ({
      view: 'dataPreview',
      title: 'Data',
      theme: sc.theme,
      init: sc.init,
      scripts: [`${origin}/scenario.js?name=${name}`, `${origin}/fake.js`],
    }),
  },
  route: (url, send) => {
    const sc = scenarios[url.searchParams.get('name') ?? ''];
    if (url.pathname === '/scenario.js' && sc) return send('text/javascript', `window.__SCENARIO__ = ${JSON.stringify(sc)};`);
    if (url.pathname === '/fake.js') return send('text/javascript', fakeHost);
    if (url.pathname.startsWith('/img/')) return send('image/svg+xml', svg(Number(url.pathname.slice(5).replace('.svg', ''))));
  },
});
const { outDir, check } = harness;

for (const [name, sc] of harness.scenarios(scenarios)) {
  const { page, problems } = await harness.newPage({ width: 1100, height: 760 });
  await harness.goto(page, name);
  const posted = () => page.evaluate(() => window.__posted.map((m) => m.type));
  let shotTaken = false;
  if (sc.table) {
    await page.waitForSelector('[data-testid=data-grid] .vt-row');
    check((await page.locator('.vt-row').count()) < 80, 'only the visible rows are in the DOM');
    // Each heading's edge lines up with its column's figures (numbers right, text left).
    const offEdge = await page.$$eval('[data-testid=data-grid] .vt-hcell', (hs) => {
      // The box of the text itself (a heading also holds its resize grip).
      const textBox = (el) => {
        const r = document.createRange();
        r.selectNodeContents([...el.childNodes].find((n) => n.nodeType === Node.TEXT_NODE) ?? el);
        return r.getBoundingClientRect();
      };
      return hs
        .filter((hc) => {
          const cell = document.querySelector(`.vt-row[data-row="1"] .vt-cell[aria-colindex="${hc.getAttribute('aria-colindex')}"]`);
          const right = cell.classList.contains('vt-right');
          return right ? Math.abs(textBox(hc).right - textBox(cell).right) > 2 : Math.abs(textBox(hc).left - textBox(cell).left) > 2;
        })
        .map((hc) => hc.textContent);
    });
    check(offEdge.length === 0, `grid headings aligned with their figures${offEdge.length ? ` (not: ${offEdge.join(', ')})` : ''}`);
    check(
      /first 200 rows loaded, scroll for more · 4 columns/.test(await page.textContent('[data-testid=data-meta]')),
      'says the count is partial while the end is unknown',
    );
    // Scroll to the bottom repeatedly: pages load until the end is known.
    for (let i = 0; i < 80; i++) {
      await page.$eval('.vt', (el) => (el.scrollTop = el.scrollHeight));
      await page.waitForTimeout(30);
      if (/10,000 rows/.test(await page.textContent('[data-testid=data-meta]'))) break;
    }
    check(/10,000 rows/.test(await page.textContent('[data-testid=data-meta]')), 'scrolling loads pages until the total is known');
    // The grid grows when the total arrives: scroll to its new end and let it render (bounded).
    let lastRow = '';
    for (let i = 0; i < 50 && !/10000/.test(lastRow); i++) {
      await page.$eval('.vt', (el) => (el.scrollTop = el.scrollHeight));
      await page.waitForTimeout(40);
      lastRow = await page.locator('.vt-row').last().innerText();
    }
    check(/10000/.test(lastRow), `last row shown (${lastRow.replace(/\s+/g, ' ')})`);
    check((await page.evaluate(() => window.__posted.filter((m) => m.type === 'loadPage').length)) >= 49, 'pages requested as needed');
    await page.$eval('.vt', (el) => (el.scrollTop = 0));
    await page.waitForTimeout(100);
  } else if (sc.gallery) {
    await page.waitForSelector('[data-testid=gallery-item] img');
    check((await page.locator('[data-testid=gallery-item]').count()) === 48, 'first page of 48 thumbnails');
    await page.click('[data-testid=gallery-next]');
    await page.waitForFunction(() => document.querySelector('[data-testid=data-meta]')?.textContent?.includes('page 2 of 3'));
    check(true, 'next page');
    await page.waitForTimeout(200);
    check(await page.$$eval('[data-testid=gallery-item] img', (imgs) => imgs.every((i) => i.complete && i.naturalWidth > 0)), 'thumbnails load under the CSP');
  } else if (sc.init.mode === 'profile') {
    await page.waitForSelector('[data-testid=profile-column]');
    check((await page.locator('[data-testid=profile-column]').count()) === 4, 'one card per column');
    check((await page.locator('[data-column=temp] .dp-bar').count()) === 20, 'histogram bars');
    check(/oslo[\s\S]*4,000/.test(await page.textContent('[data-column=city] [data-testid=top-values]')), 'top values');
    const lowerStats = await page.$$eval('.dp-stats dt', (els) => els.map((e) => e.textContent.trim()).filter((t) => /^[a-z]/.test(t)));
    check(
      lowerStats.length === 0,
      `stat labels start with a capital like the other panels' labels${lowerStats.length ? ` (not: ${[...new Set(lowerStats)].join(', ')})` : ''}`,
    );
    await page.screenshot({ path: join(outDir, `data-${name}.png`) });
    await page.click('[data-testid=tab-table]');
    check((await posted()).includes('showMode'), 'switching to rows asks the host');
    check(await page.isVisible('[data-testid=data-loading]'), 'shows loading while the host answers');
    shotTaken = true;
  } else if (sc.init.mode === 'drift') {
    await page.waitForSelector('[data-testid=drift-row]');
    const order = await page.$$eval('[data-testid=drift-row]', (r) => r.map((x) => x.getAttribute('data-column')));
    check(order.join() === 'temp,city,id', 'ranked by score');
    check(await page.isVisible('[data-column=temp] .dp-level-high'), 'large PSI marked high');
    // Each heading's edge lines up with its column's figures (numbers right, names left).
    const misaligned = await page.$eval('[data-testid=drift-table]', (t) => {
      const cells = [...t.querySelectorAll('tbody tr:first-child td')];
      return [...t.querySelectorAll('thead th')]
        .filter((th, i) => {
          const a = th.getBoundingClientRect();
          const b = cells[i].getBoundingClientRect();
          const right = getComputedStyle(cells[i]).textAlign === 'right';
          const text = (el) => {
            const r = document.createRange();
            r.selectNodeContents(el);
            return r.getBoundingClientRect();
          };
          return right ? Math.abs(text(th).right - text(cells[i]).right) > 2 : Math.abs(text(th).left - text(cells[i]).left) > 2 || a.width !== b.width;
        })
        .map((th) => th.textContent);
    });
    check(misaligned.length === 0, `drift table headings aligned with their figures${misaligned.length ? ` (not: ${misaligned.join(', ')})` : ''}`);
  } else if (sc.init.mode === 'diff') {
    await page.waitForSelector('[data-testid=diff-file]');
    check((await page.locator('[data-testid=diff-file]').count()) === 3, 'added, removed, modified listed');
    check(
      /500 → 800 \(\+300\)[\s\S]*humidity[\s\S]*id: integer → string/.test(await page.textContent('[data-testid=diff-table]')),
      'row count and schema change',
    );
    // The "Tables" section heading ranks below the panel's title, not above it.
    const sizes = await page.evaluate(() =>
      ['data-title', 'diff-tables-title'].map((id) => parseFloat(getComputedStyle(document.querySelector(`[data-testid=${id}]`)).fontSize)),
    );
    check(sizes[1] < sizes[0], `a section heading is smaller than the panel title (${sizes[1]} < ${sizes[0]} px)`);
    await page.click('[data-testid=diff-file][data-path="weather.csv"] button');
    check((await posted()).includes('openDiffFile'), 'clicking a file asks the host to open it');
  } else {
    await page.waitForSelector('[data-testid=data-error]');
    check(/malformed CSV at line 3/.test(await page.textContent('[data-testid=data-error]')), 'malformed CSV explained, not a blank panel');
  }
  // Headings and labels are capitalised as in the other panels ("Column", not "column").
  const lower = await page.$$eval('th, .dp-stats dt', (els) => els.map((e) => e.textContent.trim()).filter((t) => /^[a-z]/.test(t)));
  check(lower.length === 0, `table headings and stat labels start with a capital${lower.length ? ` (not: ${lower.join(', ')})` : ''}`);
  await page.waitForTimeout(300);
  await finish(page, name, problems, shotTaken);
}

async function finish(page, name, problems, shotTaken) {
  const shot = join(outDir, `data-${name}.png`);
  if (!shotTaken) await page.screenshot({ path: shot });
  console.log(`  screenshot ${shot}`);
  await harness.checkFocusRings(page);
  harness.checkNoProblems(problems);
  await page.close();
}
await harness.finish();
