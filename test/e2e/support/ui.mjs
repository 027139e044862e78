// Workbench UI helpers: activity bar, view panes, command palette, output panel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/e2e/package-vsix.mjs';

export const ACTIVITY_ENTRY = '.activitybar .action-item a[aria-label^="ML Workbench"]';

/**
 * The views of the ML Workbench container and the first sentence of each one's welcome text,
 * read from package.json so the tests follow the wording.
 * @returns {{ id: string, name: string, welcome: string }[]}
 */
export function contributedViews() {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  /** @type {{ id: string, name: string }[]} */
  const views = pkg.contributes?.views?.mlWorkbench ?? [];
  /** @type {{ view: string, contents: string }[]} */
  const welcomes = pkg.contributes?.viewsWelcome ?? [];
  return views.map((v) => {
    const contents = welcomes.find((w) => w.view === v.id)?.contents ?? '';
    return { id: v.id, name: v.name, welcome: firstSentence(contents) };
  });
}

/**
 * First sentence of a welcome text's first line, as a user reads it (links as their label).
 * @param {string} contents
 */
export function firstSentence(contents) {
  const line = plain(contents.split('\n')[0] ?? '');
  const m = /^.*?[.!?](\s|$)/.exec(line);
  return (m ? m[0] : line).trim();
}

/**
 * Text without markdown links/backticks and with collapsed whitespace.
 * @param {string} text
 */
export function plain(text) {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replaceAll('`', '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The sidebar pane of one view, found by its header.
 * @param {import('playwright-core').Page} page
 * @param {string} viewName
 */
export function pane(page, viewName) {
  return page.locator('.part.sidebar .pane').filter({ has: page.locator(`.pane-header[aria-label="${viewName} Section"]`) });
}

/**
 * Expand a collapsed sidebar pane (the sidebar may start with some collapsed) once it is visible.
 * @param {import('playwright-core').Page} page
 * @param {string} viewName
 */
export async function expandPane(page, viewName) {
  const p = pane(page, viewName);
  await p.waitFor({ state: 'visible', timeout: 30_000 });
  const header = p.locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
}

/**
 * Right-click `row` and choose `item`, retrying a gesture a re-rendering tree swallowed. An entry shown
 * disabled is retried too: a menu is built once, from the context keys of the moment it opens, and
 * VS Code sets some (`isWorkspaceTrusted`, which our commands' enablement names) only seconds
 * after the workbench shows.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Locator} row
 * @param {string} item
 */
export async function chooseFromContextMenu(page, row, item) {
  let disabled = 0;
  for (let attempt = 0; attempt < 3 + disabled; attempt++) {
    await page.keyboard.press('Escape');
    await row.click({ button: 'right' });
    const entry = page.getByRole('menuitem', { name: item });
    const shown = await entry.waitFor({ state: 'visible', timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (!shown) continue;
    if ((await entry.getAttribute('aria-disabled')) === 'true') {
      if (++disabled > 15) break;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(2000);
      continue;
    }
    await page.waitForTimeout(200);
    await entry.click();
    return;
  }
  throw new Error(disabled > 15 ? `"${item}" stayed disabled in the context menu for 30 s` : `no "${item}" in the context menu`);
}

/**
 * Choose `item` from `row`'s context menu and return the webview frame it opens (found by
 * `selector`), choosing again when no panel appears: a click a re-rendering tree swallowed.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Locator} row
 * @param {string} item
 * @param {string} selector
 */
export async function openWebviewFromContextMenu(page, row, item, selector) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await chooseFromContextMenu(page, row, item);
    const frame = await webviewFrame(page, selector, 60_000).catch(() => undefined);
    if (frame) return frame;
  }
  throw new Error(`"${item}" did not open a panel showing ${selector}`);
}

/**
 * Show the ML Workbench container in the sidebar (click its activity-bar entry unless it is already shown).
 * @param {import('playwright-core').Page} page
 */
export async function openContainer(page) {
  const entry = page.locator(ACTIVITY_ENTRY);
  await entry.waitFor({ state: 'visible', timeout: 60_000 });
  const title = page.locator('.part.sidebar .composite.title h2');
  const shown = (await title.isVisible()) && /ML Workbench/i.test(await title.innerText());
  if (!shown) await entry.click();
  await page.locator('.part.sidebar .composite.title h2', { hasText: /ML Workbench/i }).waitFor({ state: 'visible', timeout: 30_000 });
}

/**
 * Run a command from the palette as a user does: F1, type its label, Enter. Retries when the palette misses a key.
 * @param {import('playwright-core').Page} page
 * @param {string} label e.g. "ML Workbench: Show Output"
 */
export async function runCommand(page, label) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator(`.quick-input-widget .monaco-list-row[aria-label^="${label}"]`).first();
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await page.keyboard.press('Escape');
      await page
        .locator('.monaco-workbench')
        .click({ position: { x: 600, y: 300 }, timeout: 5_000 })
        .catch(() => {});
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${label}`);
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden', timeout: 10_000 });
      return;
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`could not run "${label}" from the command palette: ${/** @type {Error} */ (lastError).message}`);
}

/**
 * The Output panel's state: the selected channel and the visible text.
 * @param {import('playwright-core').Page} page
 */
export async function outputPanel(page) {
  const select = page.locator('.part.panel select.monaco-select-box[aria-label="Switch Output"]');
  const channel = (await select.count()) ? await select.first().evaluate((s) => /** @type {HTMLSelectElement} */ (s).value) : '';
  const lines = page.locator('.part.panel .monaco-editor .view-lines');
  const text = (await lines.count()) ? (await lines.first().innerText()).replace(/\u00a0/g, ' ') : '';
  return { channel, text };
}

/**
 * Expand a tree row. A click can be lost while the tree re-renders (live updates refresh it), so
 * this checks `aria-expanded` and clicks the twistie again until the row is open.
 * @param {import('playwright-core').Locator} row
 */
export async function expandRow(row) {
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  for (let attempt = 0; attempt < 8; attempt++) {
    if ((await row.getAttribute('aria-expanded')) === 'true') return;
    await row
      .locator('.monaco-tl-twistie')
      .click()
      .catch(() => {});
    await row.page().waitForTimeout(500);
  }
  throw new Error(`could not expand the tree row "${await row.innerText()}"`);
}

/**
 * The webview frame (webviews live in nested iframes) that contains `selector`, polled until it appears.
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 * @returns {Promise<import('playwright-core').Frame>}
 */
export async function webviewFrame(page, selector, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (
        await frame
          .locator(selector)
          .count()
          .catch(() => 0)
      )
        return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame shows ${selector}`);
}

/**
 * Answer VS Code's own file dialog (the "simple" dialog a browser workbench shows) with a path, as a user
 * types it. The dialog checks and lists the typed path asynchronously; an Enter that lands before the list
 * has settled on the typed file acts on another row (e.g. opens a folder) and the dialog stays open, so
 * wait for the dialog to have read the path and listed the file, and press Enter again while the dialog is still open.
 * @param {import('playwright-core').Page} page
 * @param {string} path absolute path of the file or folder to pick
 */
export async function answerFileDialog(page, path) {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  const name = path.split(/[\\/]/).pop() ?? path;
  const row = widget.locator(`.monaco-list-row[aria-label="${name}"]`);
  // The progress bar under the input is marked done once the dialog has read the typed path.
  const settled = widget.locator('.quick-input-progress.done');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  for (let attempt = 0; ; attempt++) {
    if ((await input.inputValue()) !== path) await input.fill(path);
    // Not fatal: a typed path the dialog does not list is still accepted.
    await settled.waitFor({ state: 'attached', timeout: 10_000 }).catch(() => undefined);
    await row.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
    await input.press('Enter');
    const closed = await widget.waitFor({ state: 'hidden', timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (closed) return;
    if (attempt === 2) {
      const rows = await widget.locator('.monaco-list-row').allInnerTexts();
      throw new Error(`the file dialog did not accept ${path}; it shows "${await input.inputValue()}" over rows: ${rows.join(' | ')}`);
    }
  }
}
