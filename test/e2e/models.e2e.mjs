// The model registry as a user meets it: a run logged an .onnx artifact; "Register Model…" from
// the run's context menu validates and registers it, the Models view shows the version with its
// validation icon, "Set Alias…" names it champion, and the details panel shows signature and lineage.
import assert from 'node:assert/strict';
import { saveScreenshot } from './support/artifacts.mjs';
import { expandRow, openContainer, pane, webviewFrame, chooseFromContextMenu } from './support/ui.mjs';
import { openWorkbench } from './support/workbench.mjs';
import { runPython } from './support/workspace.mjs';

// A real scikit-learn pipeline, converted by skl2onnx, logged as a plain artifact (not registered).
const TRAIN = `import mlwb, numpy as np, tempfile, os
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from skl2onnx import to_onnx
X, y = load_iris(return_X_y=True); X = X.astype(np.float32)
clf = LogisticRegression(max_iter=300).fit(X, y)
onx = to_onnx(clf, X[:1], options={id(clf): {"zipmap": False}})
with mlwb.start_run(experiment="iris", name="logreg", params={"max_iter": 300}) as run:
    run.log_metric("accuracy", float(clf.score(X, y)))
    path = os.path.join(tempfile.mkdtemp(), "model.onnx")
    open(path, "wb").write(onx.SerializeToString())
    run.log_artifact(path)
`;

describe('Model registry in the Models view', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;

  before(async function () {
    this.timeout(30 * 60_000);
    wb = await openWorkbench('models', { prepare: (dir) => runPython(dir, TRAIN) });
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'models', t?.title ?? 'test', t?.state === 'failed');
  });

  const rows = (/** @type {string} */ view, /** @type {string} */ text) =>
    pane(/** @type {any} */ (wb).page, view).locator('.monaco-list-row', { hasText: text });

  const contextMenu = (/** @type {import('playwright-core').Locator} */ row, /** @type {string} */ item) =>
    chooseFromContextMenu(/** @type {any} */ (wb).page, row, item);

  /** Type into the open input box and accept it. */
  async function answer(/** @type {string} */ text) {
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(text);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  it("registers a run's ONNX artifact from the Experiments view, validated, and shows it in Models", async function () {
    this.timeout(180_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    await expandRow(rows('Experiments', 'iris').first());
    const run = rows('Experiments', 'logreg');
    await run.waitFor({ state: 'visible', timeout: 60_000 });
    await contextMenu(run, 'Register Model…');
    await answer('iris-classifier');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Registered iris-classifier:1' });
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await toast.innerText(), /loaded and answered X FP32\[1,4\]/);
    const model = rows('Models', 'iris-classifier');
    await model.waitFor({ state: 'visible', timeout: 30_000 });
    const version = rows('Models', 'v1');
    await version.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await version.locator('.codicon-pass-filled').count(), 1, 'a validated version shows the pass icon');
  });

  it('sets the champion alias on the version from its context menu', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await page.keyboard.press('Escape');
    const version = rows('Models', 'v1');
    await contextMenu(version, 'Set Alias…');
    await answer('champion');
    await rows('Models', '@champion').first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await rows('Models', 'iris-classifier').innerText(), /@champion→1/);
    assert.match(await rows('Models', 'v1').innerText(), /@champion/);
  });

  it('clicking the version opens its details: signature, validation and the lineage chain', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    let frame;
    for (let attempt = 0; attempt < 3 && !frame; attempt++) {
      await rows('Models', 'v1').click();
      frame = await webviewFrame(page, '[data-testid=model-title]', 20_000).catch(() => undefined);
    }
    if (!frame) throw new Error('clicking the version did not open its details');
    await frame.locator('body[data-state=ready]').waitFor({ timeout: 30_000 });
    assert.match(await frame.locator('[data-testid=model-title]').innerText(), /iris-classifier\s+version 1/);
    assert.deepEqual(await frame.locator('[data-testid=alias-chip]').allInnerTexts(), ['@champion']);
    assert.match(await frame.locator('[data-testid=validation]').innerText(), /Validated/);
    const signature = await frame.locator('[data-testid=signature]').innerText();
    assert.match(signature, /X[\s\S]*FP32[\s\S]*\[\? × 4\]/);
    assert.match(signature, /probabilities[\s\S]*FP32/);
    // Headed like the other panels' tables (once '', 'name', 'datatype', 'shape'), and the
    // validation line states the same latency as the Smoke inference row.
    assert.deepEqual(await frame.locator('[data-testid=signature] vscode-table-header-cell').allInnerTexts(), ['Role', 'Name', 'Datatype', 'Shape']);
    const latency = (await frame.locator('[data-testid=validation]').innerText()).match(/in ([\d.]+) ms/)?.[1];
    assert.match(await frame.locator('[data-testid=metadata]').innerText(), new RegExp(`Smoke inference\\s+${latency} ms`));
    const lineage = await frame.locator('[data-testid=lineage]').innerText();
    assert.match(lineage, /logreg[\s\S]*iris-classifier:1[\s\S]*not deployed/);
    assert.match(await frame.locator('[data-testid=run-metrics]').innerText(), /accuracy/);
  });

  it('the run details panel offers Register Model… on the .onnx artifact, and says when the bytes are already a version', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    let frame;
    for (let attempt = 0; attempt < 3 && !frame; attempt++) {
      await rows('Experiments', 'logreg').click();
      frame = await webviewFrame(page, '[data-testid=register-model]', 20_000).catch(() => undefined);
    }
    if (!frame) throw new Error('the run details panel shows no Register Model… for the .onnx artifact');
    assert.equal(await frame.locator('[data-testid=register-model]').getAttribute('data-path'), 'model.onnx');
    await frame.locator('[data-testid=register-model]').click();
    await answer('iris-classifier');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'already holds these bytes' });
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await toast.innerText(), /iris-classifier:1 already holds these bytes; nothing was copied/);
    assert.equal(await rows('Models', 'v2').count(), 0, 'no second version was made');
  });
});
