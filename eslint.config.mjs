// Lint rules that keep the layers apart (the table in docs/architecture.md, enforced here):
// each zone below is an edge that must not exist, checked on resolved paths, so a relative import
// cannot sneak across a layer under another name. Why the edges are forbidden:
// - src/shared is pure (no Node, no DOM, no vscode) because every layer, the webviews included, imports it;
// - src/core, src/protocol, src/backend and src/cli run outside VS Code: no `vscode`;
// - the extension host never loads native modules (a native crash would take down every extension,
//   and native calls block the host's event loop): those live in the backend;
// - webviews run in a browser: no Node, no `vscode`, no src/core (it reads files and SQLite); the
//   shapes they show come as types through src/protocol.
// No import cycles anywhere in src/ or webview/: a cycle is how a layer rule starts to bend.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const NATIVE = ['better-sqlite3', 'onnxruntime-node'];
const NODE = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const LAYERS = ['src/shared', 'src/core', 'src/protocol', 'src/backend', 'src/cli', 'src/extension', 'webview'];
const others = (...allowed) => LAYERS.filter((l) => !allowed.includes(l));

/** `target` may not import from any of `from` (paths relative to the repository root). */
const zone = (target, from, message) => ({ target: `./${target}`, from: from.map((f) => `./${f}`), message });
const zones = [
  zone('src/shared', others('src/shared'), 'src/shared is imported by every layer: it may import only itself.'),
  zone('src/core', others('src/core', 'src/shared'), 'src/core is the domain: it imports src/shared and nothing above it.'),
  zone('src/protocol', ['src/backend', 'src/cli', 'src/extension', 'webview'], 'A contract imports types and src/shared only.'),
  zone('src/backend', ['src/cli', 'src/extension', 'webview'], 'The backend process knows nothing of VS Code, the CLI or webviews.'),
  zone('src/cli', ['src/backend', 'src/extension', 'webview'], 'The CLI calls src/core directly.'),
  zone(
    'src/extension',
    ['src/backend', 'src/cli', 'webview', 'src/core/store'],
    'The extension host talks to the backend over JSON-RPC (src/protocol) and to webviews by messages (src/protocol/webview).',
  ),
  zone('webview', others('webview', 'src/shared', 'src/protocol'), 'Webviews run in a browser: they import src/shared, src/protocol and webview/ only.'),
];

/** no-restricted-imports for package names: `names` (exact) and `patterns` (gitignore-style). */
const restrict = (names, message, patterns = []) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { paths: names.map((name) => ({ name, message })), patterns }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.stryker-tmp/**', 'reports/**', 'node_modules/**', '.e2e-artifacts/**', 'python/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict(['vscode', ...NATIVE, ...NODE], 'src/shared runs everywhere, webviews included: no Node, no vscode, no native modules.'),
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: restrict(['vscode', ...NATIVE, ...NODE], 'A contract is types and validators: no Node, no vscode, no native modules.', [
      { group: ['**/core/**'], allowTypeImports: true, message: 'A contract may import types from src/core, never code (webviews import contracts).' },
    ]),
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/backend/**/*.ts'],
    rules: restrict(['vscode'], 'This layer runs outside VS Code: keep `vscode` in src/extension.'),
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: restrict(NATIVE, 'Native modules run in the backend process, never in the extension host.'),
  },
  {
    files: ['webview/**/*.ts'],
    rules: restrict(['vscode', ...NATIVE, ...NODE], 'Webviews run in a browser: no Node, no vscode, no native modules.'),
  },
  // Scripts, benchmarks and JavaScript tests: no type-checker looks at them, so at least an
  // undefined name or an unused variable is caught here. Playwright callbacks run in the page
  // (browser globals); mocha files get mocha's.
  {
    files: ['**/*.mjs'],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: globals.node },
    rules: { ...js.configs.recommended.rules, 'no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
  {
    files: ['test/e2e/**/*.mjs', 'test/webview-harness/**/*.mjs', 'scripts/e2e/**/*.mjs', 'bench/firstPaint.bench.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['test/**/*.test.mjs', 'test/e2e/**/*.e2e.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser, ...globals.mocha } },
  },
);
