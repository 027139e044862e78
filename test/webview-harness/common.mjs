// What every webview harness shares: Debian Chromium with the project's flags, static files from
// the repository, a checklist of named checks, and a page instrumented to report console errors,
// page errors and CSP violations (each of which fails the scenario).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../scripts/e2e/browser.mjs';

const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/** Sends a repository file with its content type. */
export function sendFile(res, file) {
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
}

/**
 * Harness files (`/harness/…`) and the built bundles, confined to the repository at `root`; 204 for
 * the favicon, 404 for anything else.
 */
export function serveRepoFile(root, url, res) {
  if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
  const file = url.pathname.startsWith('/harness/') ? join(root, 'test/webview-harness', url.pathname.slice(9)) : join(root, url.pathname);
  if (!file.startsWith(root) || !existsSync(file)) return res.writeHead(404).end();
  sendFile(res, file);
}

/**
 * A view's real page (`webviewPage` from the sources) served by the harness at `origin`: its bundle
 * and theme, with the fake host (FAKE_HOST_SCRIPT) and the state the page last saved injected before
 * the view's own script. A harness with its own fake host passes `scripts` (URLs) to inject instead.
 */
export function harnessPageHtml(webviewPage, { origin, view, title, theme, init, savedState, scripts }) {
  const nonce = 'harness' + Math.random().toString(36).slice(2);
  const html = webviewPage({
    cspSource: origin,
    nonce,
    title,
    scriptUri: `${origin}/dist/webview/${view}.js`,
    styleUris: [`${origin}/dist/webview/${view}.css`, `${origin}/harness/theme-${theme}.css`],
    codiconsUri: `${origin}/dist/webview/codicons/codicon.css`,
    init,
  });
  const injected = scripts
    ? scripts.map((src) => `<script nonce="${nonce}" src="${src}"></script>`).join('\n    ')
    : `<script nonce="${nonce}">window.__SAVED_STATE__ = ${JSON.stringify(savedState ?? null)};</script>\n    <script nonce="${nonce}">${FAKE_HOST_SCRIPT}</script>`;
  return html.replace('<script nonce=', `${injected}\n    <script nonce=`).replace('<body ', `<body class="vscode-${theme}" `);
}

/** Chromium for a harness run; `--headed` on the command line shows the window. */
export function launchHarnessBrowser(args) {
  return chromium.launch({ executablePath: process.env.MLWB_CHROMIUM || '/usr/bin/chromium', headless: !args.includes('--headed'), args: CHROMIUM_ARGS });
}

/** `check(ok, what)` prints a ✓/✖ line and remembers failures. */
export function checklist() {
  const failures = [];
  const check = (ok, what) => {
    console.log(`${ok ? '  ✓' : '  ✖'} ${what}`);
    if (!ok) failures.push(what);
  };
  return { check, failures };
}

/**
 * The view's real page per scenario, served at `/page.html?name=<scenario>`: `options(sc, name, origin)`
 * gives harnessPageHtml's options but `origin`, read at each request (so a page reload sees what the
 * harness changed since).
 * @typedef {{ webviewPage: Function, scenarios: Record<string, any>, options: (sc: any, name: string, origin: string) => object }} ScenarioPages
 */

/**
 * One harness run: an HTTP server on a free loopback port where `pages` (optional) answers
 * `/page.html?name=…`, `route(url, send, origin)` the harness's other paths (returning what `send`
 * returns) and repository files the rest; Chromium; the checklist; the screenshot folder.
 * `--only <scenario>` and `--headed` are read from `args` (the command line).
 * @param {{ root: string, args?: string[], pages?: ScenarioPages, route?: (url: URL, send: (type: string, body: string | Buffer) => unknown, origin: string) => unknown }} o
 */
export async function openHarness({ root, args = process.argv.slice(2), pages, route = () => undefined }) {
  let origin = '';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (type, body) => res.writeHead(200, { 'content-type': type }).end(body);
    const name = url.searchParams.get('name') ?? '';
    if (pages && url.pathname === '/page.html' && Object.hasOwn(pages.scenarios, name))
      return send('text/html', harnessPageHtml(pages.webviewPage, { origin, ...pages.options(pages.scenarios[name], name, origin) }));
    if (!(await route(url, send, origin))) serveRepoFile(root, url, res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
  const outDir = join(root, '.e2e-artifacts/webview-harness');
  mkdirSync(outDir, { recursive: true });
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const browser = await launchHarnessBrowser(args);
  const { check, failures } = checklist();
  return {
    origin,
    outDir,
    browser,
    check,
    /** The scenarios this run plays (all, or the one `--only` names), each announced as it starts. */
    *scenarios(all) {
      for (const [name, sc] of Object.entries(all)) {
        if (only && only !== name) continue;
        console.log(`▶ ${name}`);
        yield [name, sc];
      }
    },
    /** Loads scenario `name`'s page (`pages`) in `page`. */
    goto(page, name) {
      return page.goto(`${origin}/page.html?name=${name}`);
    },
    /** A new page of `viewport` size and the console errors, page errors and CSP violations it reports. */
    async newPage(viewport) {
      const page = await browser.newPage({ viewport });
      return { page, problems: await watchProblems(page) };
    },
    /** Every keyboard focus stop of the page shows a focus ring (see focusStopsWithoutRing). */
    async checkFocusRings(page) {
      const noRing = await focusStopsWithoutRing(page);
      check(noRing.length === 0, `every keyboard focus stop shows a focus ring${noRing.length ? ` (not: ${noRing.join(', ')})` : ''}`);
    },
    /** The scenario's last check: nothing went wrong on the page. */
    checkNoProblems(problems) {
      check(problems.length === 0, `no console errors or CSP violations${problems.length ? `: ${problems.join(' | ')}` : ''}`);
    },
    /** Closes the browser and the server and sets the exit code from the checks. */
    async finish() {
      await browser.close();
      server.close();
      console.log(failures.length ? `✖ ${failures.length} check(s) failed` : '✓ all checks passed');
      process.exitCode = failures.length ? 1 : 0;
    },
  };
}

/** Collects console errors, page errors and CSP violations of `page` into the returned array. */
export async function watchProblems(page) {
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)),
  );
  return problems;
}

/**
 * Imports TypeScript exports straight from the sources (the page template, pure helpers): `contents`
 * is a module of `export … from './src/…'` lines, resolved from the repository root.
 */
export async function importTs(root, contents) {
  const bundled = await esbuild.build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', write: false });
  return import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);
}

/**
 * The fake webview host: messages go to window.__host (exposed by Playwright, so the page's CSP
 * still forbids the page itself any network access), answers come back as window messages.
 */
export const FAKE_HOST_SCRIPT = `(() => {
  let state = window.__SAVED_STATE__;
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage(m) { window.__posted.push(m); window.__host(m).then((answers) => { for (const a of answers) window.postMessage(a, '*'); }); },
    getState: () => state,
    setState: (s) => { state = s; window.__state = s; },
  });
})();`;

/**
 * A PNG's pixels, decoded in the page (from a Blob, which the page's CSP allows): `{ width,
 * height, data }` with `data` RGBA bytes, for checks that count colors in what a page drew.
 */
export async function imagePixels(page, png) {
  const { width, height, data } = await page.evaluate(
    async (bytes) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const c = document.createElement('canvas');
      c.width = bitmap.width;
      c.height = bitmap.height;
      const g = c.getContext('2d');
      g.drawImage(bitmap, 0, 0);
      return { width: c.width, height: c.height, data: [...g.getImageData(0, 0, c.width, c.height).data] };
    },
    [...png],
  );
  return { width, height, data: Uint8Array.from(data) };
}

/**
 * The share (0–1) of near-white pixels in what `selector` draws on screen: a native control drawn
 * in the light scheme on a dark theme (a white checkbox, a white slider track) is mostly white.
 */
export async function whiteShare(page, selector) {
  const { data: d } = await imagePixels(page, await page.locator(selector).first().screenshot());
  let white = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] > 200 && d[i + 2] > 200) white++;
  return white / (d.length / 4);
}

/**
 * Tabs through the page (up to `max` stops) and returns the focus stops that show no focus ring:
 * an element focused from the keyboard must draw an outline or a box-shadow. vscode-elements
 * components draw theirs inside their shadow root and are skipped.
 */
export async function focusStopsWithoutRing(page, max = 40) {
  const missing = [];
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body || el.tagName.startsWith('VSCODE-')) return { skip: true };
      const s = getComputedStyle(el);
      const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
      const name = `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}"`;
      return { ring, name };
    });
    if (!stop.skip && !stop.ring && !missing.includes(stop.name)) missing.push(stop.name);
  }
  return missing;
}
