// Lint rules that keep the layers apart (see docs/architecture.md):
// - src/core and src/protocol never import `vscode` (they run in the backend, CLI and tests);
// - the extension host never imports native modules (a native crash would take down every
//   extension, and native calls block the host's event loop): those live in the backend;
// - webviews import neither.
import tseslint from 'typescript-eslint';

const NATIVE = ['better-sqlite3', 'onnxruntime-node'];
const restrict = (names, message, patterns = []) => ({
  'no-restricted-imports': ['error', { paths: names.map((name) => ({ name, message })), patterns }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.e2e-artifacts/**', 'python/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/protocol/**/*.ts', 'src/cli/**/*.ts', 'src/backend/**/*.ts'],
    rules: restrict(['vscode'], 'This layer runs outside VS Code: keep `vscode` in src/extension.'),
  },
  {
    files: ['src/extension/**/*.ts', 'webview/**/*.ts'],
    rules: restrict(NATIVE, 'Native modules run in the backend process, never in the extension host or a webview.', [
      { group: ['**/core/store/*'], message: 'The store loads better-sqlite3: ask the backend over JSON-RPC instead.' },
    ]),
  },
);
