// Notebooks as a user meets them: a notebook executed with the %%mlwb_run magic, opened in VS Code,
// shows the run on its cell's status bar; clicking the item opens the run's details.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/e2e/package-vsix.mjs';
import { saveScreenshot } from './support/artifacts.mjs';
import { openWorkbench } from './support/workbench.mjs';

/** Writes and executes `train.ipynb` in `dir` with real ipykernel + nbclient (python/tests/notebook_support.py). */
function executeNotebook(dir) {
  const spec = {
    path: join(dir, 'train.ipynb'),
    cells: ['%load_ext mlwb', "%%mlwb_run --experiment nb --name baseline\nimport mlwb\nmlwb.log_metric('loss', 0.25)"],
    env: { MLWB_DIR: join(dir, '.mlwb'), MLWB_CAPTURE_ENV: '0', MLWB_NOTEBOOK_PATH: join(dir, 'train.ipynb') },
  };
  const specDir = mkdtempSync(join(tmpdir(), 'mlwb-nbspec-'));
  const specFile = join(specDir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const r = spawnSync('python3', ['-m', 'tests.notebook_support', specFile], {
    cwd: join(REPO_ROOT, 'python'),
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PYTHONPATH: join(REPO_ROOT, 'python') },
  });
  rmSync(specDir, { recursive: true, force: true });
  if (r.status !== 0 || !/"ok": true/.test(r.stdout)) {
    throw new Error(`could not execute the notebook (install: python3 -m pip install -r python/requirements-test.txt): ${r.stdout}${r.stderr}`);
  }
}

describe('Notebook runs in VS Code', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;

  before(async function () {
    this.timeout(30 * 60_000);
    wb = await openWorkbench('notebooks', { files: {}, prepare: executeNotebook });
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'notebooks', t?.title ?? 'test', t?.state === 'failed');
  });

  it('shows the run on the status bar of the cell that produced it, and opens it on click', async function () {
    this.timeout(180_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('train.ipynb');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'train.ipynb' }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    const item = page.locator('.cell-status-item', { hasText: 'baseline · loss 0.25' });
    await item.first().waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(await item.count(), 1, 'exactly one cell shows the run');
    await item.first().click();
    const deadline = Date.now() + 60_000;
    let title = '';
    while (Date.now() < deadline && title !== 'baseline') {
      for (const frame of page.frames()) {
        const t = frame.locator('[data-testid=run-title]');
        if (await t.count().catch(() => 0)) title = (await t.innerText()).trim();
      }
      if (title !== 'baseline') await page.waitForTimeout(250);
    }
    assert.equal(title, 'baseline', 'clicking the cell item opens the run details');
  });
});
