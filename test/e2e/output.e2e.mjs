// "ML Workbench: Show Output" from the command palette shows the extension's log with the backend up.
import assert from 'node:assert/strict';
import { saveScreenshot } from './support/artifacts.mjs';
import { openContainer, outputPanel, runCommand } from './support/ui.mjs';
import { openWorkbench } from './support/workbench.mjs';

describe('ML Workbench output channel', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;

  before(async function () {
    this.timeout(30 * 60_000); // may package the VSIX when run outside scripts/e2e/run.mjs
    wb = await openWorkbench('output', { mlwb: true }); // .mlwb/ present: activates on workspaceContains
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'output', t?.title ?? 'test', t?.state === 'failed');
  });

  it('"ML Workbench: Show Output" shows the channel with "backend started"', async function () {
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page); // the views ask the backend for data, so it is running whatever activation does
    await runCommand(page, 'ML Workbench: Show Output');
    const deadline = Date.now() + 90_000;
    let state = await outputPanel(page);
    let ranAt = Date.now();
    while (Date.now() < deadline && !(state.channel === 'ML Workbench' && /backend started/.test(state.text))) {
      await page.waitForTimeout(500);
      state = await outputPanel(page);
      // A palette that swallowed the command leaves no Output panel at all: run the command again.
      if (!state.channel && Date.now() - ranAt > 15_000) {
        await runCommand(page, 'ML Workbench: Show Output');
        ranAt = Date.now();
      }
    }
    assert.equal(state.channel, 'ML Workbench', 'the Output panel shows another channel');
    assert.match(state.text, /backend started/, `Output text was: ${state.text.slice(0, 500)}`);
  });
});
