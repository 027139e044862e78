// Try It on a registered version, as a user meets it: a run trained on iris.csv (logged as its input
// data) and logged its model for registration; "Try It" on the version in the Models view starts a
// temporary model server, the panel names the fields after the training data's columns and fills
// them with its first row, Send answers with the predicted class, and closing the panel stops it.
import assert from 'node:assert/strict';
import { saveScreenshot } from './support/artifacts.mjs';
import { expandRow, openContainer, openWebviewFromContextMenu, pane, runCommand, webviewFrame } from './support/ui.mjs';
import { openWorkbench } from './support/workbench.mjs';
import { runPython } from './support/workspace.mjs';

// The training data's first row is a virginica (class 2); the model must say so from the prefill.
const TRAIN = `import mlwb, numpy as np, os, tempfile
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from skl2onnx import to_onnx
X, y = load_iris(return_X_y=True); X = X.astype(np.float32)
order = [149] + list(range(149))
with open("iris.csv", "w") as f:
    f.write("sepal_length,sepal_width,petal_length,petal_width,species\\n")
    for i in order:
        f.write(",".join(f"{v:.1f}" for v in X[i]) + f",{y[i]}\\n")
clf = LogisticRegression(max_iter=300).fit(X, y)
onx = to_onnx(clf, X[:1], options={id(clf): {"zipmap": False}})
path = os.path.join(tempfile.mkdtemp(), "model.onnx")
open(path, "wb").write(onx.SerializeToString())
with mlwb.start_run(experiment="iris", name="logreg") as run:
    run.log_input("iris.csv")
    run.log_model(path, "iris-classifier")
`;

/** Whether a model server answers its liveness probe. */
const live = (/** @type {string} */ url) =>
  fetch(`${url}/v2/health/live`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );

describe('Try It from the Models view', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;

  before(async function () {
    this.timeout(30 * 60_000);
    wb = await openWorkbench('tryIt', { prepare: (dir) => runPython(dir, TRAIN) });
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'tryIt', t?.title ?? 'test', t?.state === 'failed');
  });

  const rows = (/** @type {string} */ view, /** @type {string} */ text) =>
    pane(/** @type {any} */ (wb).page, view).locator('.monaco-list-row', { hasText: text });

  /** "Try It" in the context menu of iris-classifier v1 in the Models view; the panel's frame once its form is up. */
  async function openTryIt() {
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    const model = rows('Models', 'iris-classifier');
    await model.waitFor({ state: 'visible', timeout: 90_000 }); // the backend registers what the run logged
    if (!(await rows('Models', 'v1').isVisible())) await expandRow(model);
    const version = rows('Models', 'v1');
    await version.waitFor({ state: 'visible', timeout: 30_000 });

    return openWebviewFromContextMenu(page, version, 'Try It', '[data-testid=tryit-send]');
  }

  /** Send on a Try It frame; the server URL of its curl line once the answer (HTTP 200, virginica) is shown. */
  async function sendAndReadUrl(/** @type {import('playwright-core').Frame} */ frame) {
    // A restored panel shows its last answer until the new one arrives: wait for the curl line to change.
    const curlLine = frame.locator('[data-testid=tryit-curl]');
    const shown = (await curlLine.count()) ? await curlLine.innerText() : undefined;
    await frame.locator('[data-testid=tryit-send]').click();
    const status = frame.locator('[data-testid=tryit-status]');
    await status.waitFor({ state: 'visible', timeout: 60_000 });
    for (const end = Date.now() + 60_000; shown !== undefined && Date.now() < end && (await curlLine.innerText()) === shown;) await frame.waitForTimeout(250);
    assert.equal(await status.innerText(), 'HTTP 200');
    assert.match(await frame.locator('[data-testid=tryit-output-label]').innerText(), /\[2\]/, 'predicted virginica');
    const curl = await curlLine.innerText();
    const url = /^curl -sS -X POST '(http:\/\/127\.0\.0\.1:\d+)\/v2\/models\/iris-classifier\/versions\/1\/infer'/.exec(curl)?.[1];
    assert.ok(url, curl);
    return url;
  }

  it('opens Try It on a version, prefilled from the training snapshot, and shows the prediction', async function () {
    this.timeout(240_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    const frame = await openTryIt();

    assert.match(await frame.locator('[data-testid=tryit-title]').innerText(), /iris-classifier v1/);
    const labels = await frame.locator('.ti-label > span').allInnerTexts();
    assert.deepEqual(labels, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    const values = await Promise.all([0, 1, 2, 3].map((i) => frame.locator(`[data-testid=tryit-field-${i}]`).inputValue()));
    assert.deepEqual(values.map(Number), [5.9, 3, 5.1, 1.8], "the training snapshot's first row");
    assert.match(await frame.locator('[data-testid=tryit-source]').innerText(), /iris\.csv in snapshot/);

    await frame.locator('[data-testid=tryit-send]').click();
    const status = frame.locator('[data-testid=tryit-status]');
    await status.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await status.innerText(), 'HTTP 200');
    assert.match(await frame.locator('[data-testid=tryit-output-label]').innerText(), /\[2\]/, 'predicted virginica');
    assert.match(await frame.locator('[data-testid=tryit-output-probabilities]').innerText(), /class 2/);
    const curl = await frame.locator('[data-testid=tryit-curl]').innerText();
    const url = /^curl -sS -X POST '(http:\/\/127\.0\.0\.1:\d+)\/v2\/models\/iris-classifier\/versions\/1\/infer'/.exec(curl)?.[1];
    assert.ok(url, curl);
    assert.equal(await live(url), true);

    await saveScreenshot(page, 'tryIt', 'prediction');

    // Closing the panel stops the temporary server.
    await runCommand(page, 'View: Close All Editors');
    const deadline = Date.now() + 30_000;
    while ((await live(url)) && Date.now() < deadline) await page.waitForTimeout(250);
    assert.equal(await live(url), false, 'the server stopped with the panel');
  });

  it('restores a Try It panel after a window reload on a new temporary server, which answers', async function () {
    this.timeout(300_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    const before = await sendAndReadUrl(await openTryIt());
    // The window reloads (VS Code's own command, which saves the open editors first): a new extension
    // host and backend; the old backend's server goes with it, and VS Code restores the panel through
    // its serializer.
    await runCommand(page, 'Developer: Reload Window');
    const restored = await webviewFrame(page, '[data-testid=tryit-send]', 180_000);
    await saveScreenshot(page, 'tryIt', 'restored-after-reload');
    const after = await sendAndReadUrl(restored);
    assert.notEqual(after, before, 'the restored panel talks to the new server, not the one of the old window');
    assert.equal(await live(after), true);
    await runCommand(page, 'View: Close All Editors');
  });
});
