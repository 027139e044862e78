// Bundles each process separately: the extension host, the backend, the CLI and each webview.
// Native modules stay external and ship in node_modules, because esbuild cannot bundle a `.node` file
// loaded by a computed path. Type-checking is its own step (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const NATIVE = ['better-sqlite3', 'onnxruntime-node'];

/**
 * Loads Node's built-ins (and the `vscode` API) with a plain `require`. esbuild turns each
 * `import * as fs from 'node:fs'` into `__toESM(require('node:fs'))`, which copies every export of the
 * module onto a new object as a getter, once per importing file: 84 files import `node:fs`, and these
 * copies cost `mlwb --version` 5-6 ms of its start. The source keeps its ES imports (what the linter
 * and the type-checker read); the bundle gets `import fs = require('node:fs')`, which behaves the same
 * for a namespace that is only read from.
 */
const requireBuiltins = {
  name: 'require-builtins',
  setup(build) {
    const namespaceImport = /^import \* as (\w+) from '((?:node:[\w/]+)|vscode)';$/gm;
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(namespaceImport, "import $1 = require('$2');"),
      loader: 'ts',
    }));
  },
};

/** Every Node bundle's plugins; a bundle adding its own keeps these. */
const commonPlugins = [requireBuiltins];

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { MLWB_VERSION: JSON.stringify(pkg.version) },
  plugins: commonPlugins,
};

/**
 * First lines of a bundle that loads better-sqlite3 13. It is built for Node-API 10 (Node 22.14+,
 * and the Electron of VS Code 1.101+); an older runtime crashes (segmentation fault) on first use,
 * so say why and stop before loading it.
 * @param {string} who
 */
function nodeFloorGuard(who) {
  const message = `${who} needs Node.js 22.14 or newer (Node-API 10); this is Node \${process.versions.node} (Node-API \${process.versions.napi}). Its SQLite store is a Node-API 10 module that crashes older runtimes. Install Node 22 or 24 and run it with that Node.`;
  // "use strict" first: a directive only counts before any statement, and esbuild's own comes after the banner.
  return `"use strict";\nif (!(Number(process.versions.napi) >= 10)) { process.stderr.write(\`${message}\\n\`); process.exit(1); }`;
}

/** Fails the build when a bundle that must stay native-free reaches a native module. */
const forbidNative = {
  name: 'forbid-native',
  setup(build) {
    const filter = new RegExp(`^(${NATIVE.join('|')})(/|$)`);
    build.onResolve({ filter }, (args) => ({
      errors: [{ text: `${args.path} is native and must not load in the extension host (imported by ${args.importer}); call the backend instead.` }],
    }));
  },
};

/** @type {esbuild.BuildOptions[]} */
const bundles = [
  // The extension host must never load native modules (see docs/architecture.md).
  { ...common, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [...commonPlugins, forbidNative] },
  { ...common, entryPoints: ['src/backend/main.ts'], outfile: 'dist/backend.js', external: NATIVE, banner: { js: nodeFloorGuard('The ML Workbench backend') } },
  // The backend's table reader thread: no native module may load there (see src/backend/tableWorker.ts).
  { ...common, entryPoints: ['src/backend/tableWorker.ts'], outfile: 'dist/tableWorker.js', plugins: [...commonPlugins, forbidNative] },
  // The ingest parse thread (backend and CLI): scans a long log's next chunk while the current one is inserted.
  { ...common, entryPoints: ['src/core/ingest/ingestParseWorker.ts'], outfile: 'dist/ingestParseWorker.js', plugins: [...commonPlugins, forbidNative] },
  // The model server (one process per deployment); the same file runs its inference worker threads.
  { ...common, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js', external: NATIVE },
  // The backend's ONNX validation thread: onnxruntime blocks the thread it runs on (src/backend/modelValidationWorker.ts).
  { ...common, entryPoints: ['src/backend/modelValidationWorker.ts'], outfile: 'dist/modelValidationWorker.js', external: NATIVE },
  // The CLI: dist/cli.js (the `mlwb` bin) is a few lines that turn on V8's compile cache and load
  // the CLI bundle, dist/cliMain.js, or for `mlwb snapshot ...` dist/cliSnapshot.js (see src/cli/bin.ts).
  { ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: `#!/usr/bin/env node\n${nodeFloorGuard('mlwb')}` } },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cliMain.js', external: NATIVE, banner: { js: nodeFloorGuard('mlwb') } },
  { ...common, entryPoints: ['src/cli/snapshotMain.ts'], outfile: 'dist/cliSnapshot.js', external: NATIVE, banner: { js: nodeFloorGuard('mlwb') } },
];

// Webviews run in a browser iframe: one IIFE (+ the CSS it imports) per view, dist/webview/<view>.js,
// served under a strict CSP (src/extension/shared/webview/html.ts). Add a view by adding its folder name.
const WEBVIEWS = ['runDetails', 'compare', 'dataPreview', 'tryIt', 'modelDetails', 'monitor'];
for (const view of WEBVIEWS) {
  bundles.push({
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    entryPoints: { [view]: `webview/${view}/main.ts` },
    outdir: 'dist/webview',
  });
}
// Codicons ship as a font + stylesheet; the CSP only allows them from the extension's own files.
mkdirSync('dist/webview/codicons', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) cpSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/webview/codicons/${f}`);

if (watch) {
  const contexts = await Promise.all(bundles.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching for changes…');
} else {
  const started = Date.now();
  await Promise.all(bundles.map((b) => esbuild.build(b)));
  console.log(`built ${bundles.length} bundles in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
