// A stand-in for the extension host of the Compare Runs panel, backed by a real SQLite store and
// the real query engine (compiled to out/ by `tsc -p .`): the page's `table` and `series`
// requests are answered by runsTable / getSeriesDownsampled, as the backend would.
// Shared by test/webview-harness/compare.mjs and bench/firstPaint.bench.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { harnessPageHtml, importTs } from './common.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const out = (p) => {
  try {
    return require(join(root, 'out', p));
  } catch (e) {
    throw new Error(`Compile first (npx tsc -p .): ${e.message}`);
  }
};

/** A temporary store filled by bench/compareData.ts' generator. */
export function createStore(shape) {
  const { openStore } = out('src/core/store/database.js');
  const { generateCompareData } = out('bench/compareData.js');
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-compare-harness-'));
  const db = openStore(join(dir, 'store.db'));
  if (shape.runs > 0) generateCompareData(db, shape);
  return { db, close: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** The host's answer(s) to one message from the page (what ComparePanel does, minus VS Code). */
export function answer(db, message, scope = {}) {
  const { runsTable, getSeriesDownsampled, isFilterSyntaxError } = out('src/core/query/index.js');
  const { tableParams } = out('src/extension/runs/compare/tableParams.js');
  if (message.type === 'table') {
    try {
      const page = runsTable(db, tableParams(message.query, scope));
      return [{ type: 'table', requestId: message.requestId, page }];
    } catch (e) {
      if (!isFilterSyntaxError(e)) throw e;
      return [{ type: 'tableError', requestId: message.requestId, problem: { message: e.message, column: e.column, offset: e.offset, length: e.length } }];
    }
  }
  if (message.type === 'series') {
    const { series } = getSeriesDownsampled(db, message.request);
    return [{ type: 'series', requestId: message.requestId, series }];
  }
  return [];
}

/** The page as the extension serves it (same template and CSP), with the fake host injected first. */
export async function comparePage(origin, { theme = 'dark', init }) {
  const { webviewPage } = await importTs(root, "export * from './src/extension/shared/webview/htmlTemplate.ts';");
  return harnessPageHtml(webviewPage, { origin, view: 'compare', title: 'Compare', theme, init, scripts: [`${origin}/harness/fake-vscode-compare.js`] });
}
