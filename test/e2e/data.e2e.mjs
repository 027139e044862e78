// Data snapshots as a user meets them: a CSV dataset snapshotted twice with the CLI shows in the
// Data view with its snapshots; the inline Preview action opens the rows in a virtualized table;
// two selected snapshots diff; and editing a file makes the "modified since last snapshot" marker
// appear, from the backend's watcher.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/e2e/package-vsix.mjs';
import { saveScreenshot } from './support/artifacts.mjs';
import { openContainer, pane, webviewFrame } from './support/ui.mjs';
import { openWorkbench } from './support/workbench.mjs';

/** `mlwb …` through the built CLI, as a terminal or CI would run it. */
function mlwb(dir, ...args) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, MLWB_DIR: join(dir, '.mlwb') },
  });
  if (r.status !== 0) throw new Error(`mlwb ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const rows = (n, extra = '') =>
  [
    'id,city,temp' + (extra ? ',humidity' : ''),
    ...Array.from({ length: n }, (_, i) => `${i},${['oslo', 'rome', 'lima'][i % 3]},${(i * 0.37) % 30}${extra ? `,${i % 100}` : ''}`),
  ].join('\n') + '\n';

describe('Data snapshots in the Data view', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;

  before(async function () {
    this.timeout(30 * 60_000);
    wb = await openWorkbench('data', {
      files: { 'train.py': 'print("training")\n' },
      prepare: (dir) => {
        mkdirSync(join(dir, 'data'));
        writeFileSync(join(dir, 'data', 'weather.csv'), rows(500));
        mlwb(dir, 'snapshot', 'create', 'data', '--name', 'v1');
        writeFileSync(join(dir, 'data', 'weather.csv'), rows(800, 'humidity'));
        mlwb(dir, 'snapshot', 'create', 'data', '--name', 'v2');
      },
    });
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'data', t?.title ?? 'test', t?.state === 'failed');
  });

  const row = (/** @type {string} */ text) => pane(/** @type {any} */ (wb).page, 'Data').locator('.monaco-list-row', { hasText: text });

  it('shows the dataset and its two snapshots with files, size and what changed', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    const dataset = row('data').first();
    await dataset.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await dataset.innerText(), /2 snapshots/);
    assert.doesNotMatch(await dataset.innerText(), /modified/);
    await dataset.click();
    const v2 = row('v2');
    await v2.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await v2.innerText(), /1 file · \d+(\.\d)? KiB · ~1/);
    assert.match(await row('v1').innerText(), /first/);
  });

  it('the inline Preview action opens the snapshot rows in a virtualized table', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    const v2 = row('v2');
    await v2.hover();
    await v2.locator('.action-label[aria-label="Preview Data"]').click();
    const frame = await webviewFrame(page, '[data-testid=data-grid] .vt-row');
    const meta = () => frame.locator('[data-testid=data-meta]').innerText();
    // CSV has no row count up front: the first page says it is partial (not "200+", which read as a
    // total that disagreed with the profile), scrolling to the end pages in the rest.
    assert.match(await meta(), /CSV · first 200 rows loaded, scroll for more · 4 columns/);
    const header = await frame.locator('.vt-header').innerText();
    assert.match(header, /city[\s\S]*temp[\s\S]*humidity/);
    assert.match(await frame.locator('.vt-row').first().innerText(), /oslo/);
    assert.ok((await frame.locator('.vt-row').count()) < 200, 'only visible rows are in the DOM');
    for (let i = 0; i < 40 && !/CSV · 800 rows/.test(await meta()); i++) {
      await frame.locator('.vt').evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForTimeout(150);
    }
    assert.match(await meta(), /CSV · 800 rows · 4 columns/);
    // The grid grows when the total arrives: scroll to its new end and let it render (bounded).
    let lastRow = '';
    for (let i = 0; i < 40 && !/^800\s+799\s/.test(lastRow); i++) {
      await frame.locator('.vt').evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForTimeout(100);
      lastRow = await frame.locator('.vt-row').last().innerText();
    }
    assert.match(lastRow, /^800\s+799\s/);
    await frame.locator('[data-testid=tab-profile]').click();
    const city = frame.locator('[data-testid=profile-column][data-column=temp]');
    await city.waitFor({ timeout: 30_000 });
    assert.equal(await city.locator('[data-testid=histogram] .dp-bar').count(), 20);
  });

  it('Diff Snapshots on the two selected snapshots lists the modified file and the schema change', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    await row('v1').click();
    await row('v2').click({ modifiers: ['Control'] });
    // The view's title button (the palette's Escape would clear the tree selection first).
    await pane(page, 'Data').locator('.pane-header').hover();
    await pane(page, 'Data').locator('.pane-header .action-label[aria-label="Diff Snapshots"]').click();
    const frame = await webviewFrame(page, '[data-testid=diff-files]');
    assert.match(await frame.locator('[data-testid=diff-file]').innerText(), /modified[\s\S]*weather\.csv/);
    assert.match(await frame.locator('[data-testid=diff-table]').innerText(), /500 → 800 \(\+300\)[\s\S]*\+ humidity/);
  });

  it('editing a file makes the "modified since last snapshot" marker appear', async function () {
    this.timeout(120_000);
    const { page, workspace } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    writeFileSync(join(workspace, 'data', 'extra.csv'), 'a,b\n1,2\n');
    const dataset = row('modified since last snapshot');
    await dataset.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dataset.innerText(), /data/);
  });
});
