// Loads the built Try It webview in Chromium under the real CSP, with a host that forwards its
// messages to a REAL model server (dist/server.js serving test models) through the same client code
// the extension host uses (src/extension/deployments/tryIt/client.ts). Fills the form, sends,
// checks the answer, reloads to check restored state, drops an image on an image model (resize +
// each normalization, checked through the model's per-channel means), and writes screenshots.
//   node scripts/build.mjs && node test/webview-harness/tryIt.mjs [--headed]
// Screenshots: .e2e-artifacts/webview-harness/tryit-<scenario>.png. Exits 1 on a failed check,
// a console error or a CSP violation.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTs, openHarness } from './common.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
if (!existsSync(join(root, 'dist/webview/tryIt.js'))) throw new Error('Build first: node scripts/build.mjs');

const { webviewPage, fetchMetadata, sendInfer } = await importTs(
  root,
  "export * from './src/extension/shared/webview/htmlTemplate.ts'; export * from './src/extension/deployments/tryIt/client.ts';",
);

// A real model server with the test models.
const work = mkdtempSync(join(tmpdir(), 'mlwb-tryit-harness-'));
const models = JSON.parse(execFileSync('python3', [join(root, 'test/fixtures/server/make_models.py'), work], { encoding: 'utf8' }));
// An image model: NCHW [1, 3, 4, 4] in, the mean of each channel out, so the answer shows exactly
// what the drop zone sent after resizing and normalizing.
const imageModel = join(work, 'channel_mean.onnx');
execFileSync('python3', [
  '-c',
  `import onnx, sys
from onnx import helper, TensorProto
g = helper.make_graph([helper.make_node("ReduceMean", ["img"], ["m"], axes=[2, 3], keepdims=0)], "g",
    [helper.make_tensor_value_info("img", TensorProto.FLOAT, [1, 3, 4, 4])], [helper.make_tensor_value_info("m", TensorProto.FLOAT, [1, 3])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], ir_version=8), sys.argv[1])`,
  imageModel,
]);

/** A solid-colour 24-bit BMP (bottom-up BGR rows padded to 4 bytes): no encoder needed. */
function solidBmp(width, height, [r, g, b]) {
  const row = Math.ceil((width * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + row * height);
  buf.write('BM', 0);
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) buf.set([b, g, r], 54 + y * row + x * 3);
  return buf;
}
writeFileSync(
  join(work, 'server.json'),
  JSON.stringify({
    port: 0,
    models: [
      { name: 'iris', version: '2', path: models.iris.path },
      { name: 'fixed', path: models.fixed_batch.path },
      { name: 'image', path: imageModel },
    ],
  }),
);
const modelServer = spawn(process.execPath, [join(root, 'dist/server.js'), '--config', join(work, 'server.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
const serverUrl = await new Promise((res, rej) => {
  let out = '';
  modelServer.stdout.on('data', (c) => {
    out += c;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) res(m[1]);
  });
  modelServer.once('exit', (code) => rej(new Error(`model server exited ${code}`)));
});

const scenarios = {
  'iris-dark': { theme: 'dark', init: { serverUrl, model: 'iris' }, fill: ['6.7', '3.0', '5.2', '2.3'] },
  'json-light': { theme: 'light', init: { serverUrl, model: 'fixed' }, json: '[[1, 2], [3.5, -4]]' },
  'error-dark': { theme: 'dark', init: { serverUrl, model: 'iris' }, fill: ['6.7', 'abc', '5.2', '2.3'] },
  'image-light': { theme: 'light', init: { serverUrl, model: 'image' }, image: solidBmp(8, 6, [255, 128, 0]) },
};

/** The numbers of an output as the panel renders them. */
const numbersIn = (text) => JSON.parse(/\[[^\]]*\]$/.exec(text.trim())?.[0] ?? '[]');
const near = (a, b) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-4 * Math.max(1, Math.abs(b[i])));

let savedState;
const harness = await openHarness({
  root,
  pages: { webviewPage, scenarios, options: (sc) => ({ view: 'tryIt', title: 'Try It', theme: sc.theme, init: sc.init, savedState }) },
});
const { outDir, check } = harness;
try {
  for (const [name, sc] of harness.scenarios(scenarios)) {
    const { page, problems } = await harness.newPage({ width: 900, height: 760 });
    const copied = [];
    await page.exposeFunction('__host', async (m) => {
      if (m.type === 'ready') {
        try {
          return [{ type: 'metadata', metadata: await fetchMetadata(sc.init) }];
        } catch (e) {
          return [{ type: 'error', message: e.message }];
        }
      }
      if (m.type === 'infer') return [{ type: 'result', result: await sendInfer(sc.init, m.inputs) }];
      if (m.type === 'copy') copied.push(m.text);
      return [];
    });
    savedState = undefined;
    await harness.goto(page, name);
    if (sc.image) {
      await page.waitForSelector('[data-testid="tryit-dropzone-img"]');
      await page.click('[data-testid="tryit-send"]');
      await page.waitForSelector('[data-testid="tryit-result"] [data-testid="tryit-error"]');
      check(/img: drop or choose an image first/.test(await page.textContent('[data-testid="tryit-result"]')), 'Send without an image says what is missing');
      // The picker's button and the normalization select wear the theme's colors, not Chromium's.
      const looks = await page.evaluate(() => {
        const probe = document.body.appendChild(document.createElement('div'));
        const resolve = (v) => ((probe.style.backgroundColor = v), getComputedStyle(probe).backgroundColor);
        const want = { button: resolve('var(--vscode-button-secondaryBackground)'), border: resolve('var(--vscode-dropdown-border)') };
        probe.remove();
        return {
          want,
          button: getComputedStyle(document.querySelector('.ti-image-file'), '::file-selector-button').backgroundColor,
          border: getComputedStyle(document.querySelector('.ti-image-norm')).borderTopColor,
        };
      });
      const normLabel = await page.$eval('.ti-image-norm', (sel) => sel.closest('label')?.textContent ?? '');
      check(normLabel.startsWith('Pixel values'), `the normalization select has a visible label (${JSON.stringify(normLabel.slice(0, 20))})`);
      check(looks.button === looks.want.button && looks.border === looks.want.border, `image picker and select follow the theme (${JSON.stringify(looks)})`);
      await page.setInputFiles('.ti-image-file', { name: 'orange.bmp', mimeType: 'image/bmp', buffer: sc.image });
      await page.waitForFunction(() => /resized to 4×4/.test(document.querySelector('.ti-image-side')?.textContent ?? ''));
      const means = [];
      for (const norm of ['imagenet', 'unit', 'raw']) {
        await page.selectOption('.ti-image-norm', norm);
        await page.click('[data-testid="tryit-send"]');
        await page.waitForSelector('[data-testid="tryit-output-m"]');
        const shown = await page.textContent('[data-testid="tryit-output-m"]');
        means.push(numbersIn(shown));
        await page.evaluate(() => document.querySelector('[data-testid="tryit-output-m"]')?.remove());
      }
      // Orange (255, 128, 0) 8×6, resized to 4×4: a solid colour stays exact, so each channel mean is the colour.
      const g = 128 / 255;
      check(near(means[0], [(1 - 0.485) / 0.229, (g - 0.456) / 0.224, (0 - 0.406) / 0.225]), `ImageNet-normalized orange, NCHW (${JSON.stringify(means[0])})`);
      check(near(means[1], [1, g, 0]), `0…1 orange (${JSON.stringify(means[1])})`);
      check(near(means[2], [255, 128, 0]), `0…255 orange (${JSON.stringify(means[2])})`);
    } else if (sc.fill) {
      await page.waitForSelector('[data-testid="tryit-field-3"]');
      for (const [i, v] of sc.fill.entries()) await page.fill(`[data-testid="tryit-field-${i}"]`, v);
    } else {
      await page.waitForSelector('[data-testid="tryit-json-x"]');
      await page.fill('[data-testid="tryit-json-x"]', sc.json);
    }
    if (!sc.image) await page.click('[data-testid="tryit-send"]');
    if (sc.image) {
      // checked above
    } else if (name === 'error-dark') {
      await page.waitForSelector('[data-testid="tryit-result"] [data-testid="tryit-error"]');
      const text = await page.textContent('[data-testid="tryit-result"]');
      check(/X\[1\]: "abc" is not a number/.test(text), `a bad field is named before anything is sent (${text.trim().slice(0, 80)})`);
      check(!(await page.evaluate(() => window.__posted.some((m) => m.type === 'infer'))), 'nothing was sent');
    } else {
      await page.waitForSelector('[data-testid="tryit-status"]');
      check((await page.textContent('[data-testid="tryit-status"]')) === 'HTTP 200', 'the server answered 200');
      check(/\d+\.\d ms/.test(await page.textContent('[data-testid="tryit-latency"]')), 'latency is shown');
      const curl = await page.textContent('[data-testid="tryit-curl"]');
      check(curl.startsWith('curl -sS -X POST') && curl.includes(serverUrl), 'a curl command is shown');
      if (name === 'iris-dark') {
        const probs = await page.textContent('[data-testid="tryit-output-probabilities"]');
        check(/class 2/.test(probs) && /%/.test(probs), `top classes shown (${probs.replace(/\s+/g, ' ').slice(0, 60)})`);
        check((await page.textContent('[data-testid="tryit-output-label"]')).includes('[2]'), 'label 2 for a virginica row');
      } else {
        const y = await page.textContent('[data-testid="tryit-output-y"]');
        check(y.includes('[2,4,7,-8]'), `the JSON tensor came back doubled (${y.trim()})`);
      }
      await page.click('[data-testid="tryit-copy"]');
      await page.waitForTimeout(100);
      check(copied.length === 1 && copied[0] === curl, 'Copy curl hands the command to the host');
      // Restore: reload with the state the page saved; the form and the last answer come back.
      savedState = await page.evaluate(() => window.__state);
      await page.reload();
      await page.waitForSelector('[data-testid="tryit-status"]');
      if (sc.fill) check((await page.inputValue('[data-testid="tryit-field-0"]')) === sc.fill[0], 'form values restored after reload');
      else check((await page.inputValue('[data-testid="tryit-json-x"]')) === sc.json, 'JSON editor restored after reload');
    }
    await page.screenshot({ path: join(outDir, `tryit-${name}.png`), fullPage: true });
    await harness.checkFocusRings(page);
    harness.checkNoProblems(problems);
    await page.close();
  }
} finally {
  await harness.finish();
  modelServer.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
