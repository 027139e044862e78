// The ML Workbench activity-bar entry and its four views, as a new user sees them.
import assert from 'node:assert/strict';
import { saveScreenshot } from './support/artifacts.mjs';
import { ACTIVITY_ENTRY, contributedViews, openContainer, pane, plain } from './support/ui.mjs';
import { openWorkbench } from './support/workbench.mjs';

describe('ML Workbench sidebar', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;

  before(async function () {
    this.timeout(30 * 60_000); // may package the VSIX when run outside scripts/e2e/run.mjs
    wb = await openWorkbench('views'); // no .mlwb/: the extension activates when its view is opened
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'views', t?.title ?? 'test', t?.state === 'failed');
  });

  it('shows an ML Workbench entry in the activity bar', async function () {
    const entry = /** @type {import('./support/workbench.mjs').Workbench} */ (wb).page.locator(ACTIVITY_ENTRY);
    await entry.waitFor({ state: 'visible', timeout: 90_000 });
    assert.match((await entry.getAttribute('aria-label')) ?? '', /^ML Workbench/);
  });

  it('clicking it shows Experiments, Data, Models and Deployments with their welcome texts', async function () {
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    const views = contributedViews();
    assert.deepEqual(
      views.map((v) => v.name),
      ['Experiments', 'Data', 'Models', 'Deployments'],
    );
    for (const view of views) {
      const p = pane(page, view.name);
      await p.waitFor({ state: 'visible', timeout: 30_000 });
      const header = p.locator('.pane-header');
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      const welcome = p.locator('.welcome-view-content');
      await welcome.waitFor({ state: 'visible', timeout: 60_000 });
      assert.ok(view.welcome, `package.json has no welcome text for ${view.id}`);
      await waitForText(welcome, view.welcome, 30_000);
    }
  });
});

/**
 * Poll until the element's text (as a user reads it) contains `expected`.
 * @param {import('playwright-core').Locator} el
 * @param {string} expected
 * @param {number} timeoutMs
 */
async function waitForText(el, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = plain(await el.innerText());
    if (text.includes(expected)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`expected welcome text "${expected}", saw "${text.slice(0, 200)}"`);
}
