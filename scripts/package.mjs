// Builds one platform's VSIX: production bundles plus only the native files that platform needs.
//   node scripts/package.mjs [--target linux-x64|linux-arm64|darwin-x64|darwin-arm64|win32-x64|win32-arm64] [--out <file.vsix>]
// The target defaults to this machine. Every native module is a Node-API build taken from its npm
// package's per-platform binaries (nothing is compiled), so one VSIX loads in code-server (Node),
// desktop VS Code (Electron) and on a Remote host alike. The build fails if any `.node` file in the
// finished VSIX is tied to one NODE_MODULE_VERSION (see scripts/lib/native-abi.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGETS, hostTarget } from './lib/targets.mjs';
import { checkVsixNatives } from './lib/native-abi.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (/** @type {string} */ name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const target = opt('--target') ?? hostTarget();
const spec = TARGETS[target];
if (!spec) {
  console.error(`unknown --target ${target}; one of: ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = resolve(opt('--out') ?? join(root, `${pkg.name}-${pkg.version}-${target}.vsix`));

/**
 * @param {string} cmd
 * @param {string[]} cmdArgs
 * @param {import('node:child_process').SpawnSyncOptions} [options]
 */
function run(cmd, cmdArgs, options = {}) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

const stage = join(root, '.package', target);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

run(process.execPath, [join(root, 'scripts/build.mjs'), '--production'], { cwd: root });

// The staged manifest keeps only the runtime dependencies that ship as files (the native ones);
// everything else is bundled by esbuild.
const shipped = ['better-sqlite3', 'onnxruntime-node'].filter((m) => pkg.dependencies[m]);
const manifest = { ...pkg, scripts: {}, devDependencies: {}, allowScripts: undefined };
manifest.dependencies = Object.fromEntries(shipped.map((m) => [m, pkg.dependencies[m]]));
if (shipped.includes('onnxruntime-node')) manifest.dependencies['onnxruntime-common'] = readPkg('onnxruntime-common').version;
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore']) {
  if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
}
for (const d of ['dist', 'media', 'python/mlwb']) cpSync(join(root, d), join(stage, d), { recursive: true, filter: (s) => !s.includes('__pycache__') });
for (const f of ['python/pyproject.toml', 'python/README.md']) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));

// better-sqlite3 13: its JavaScript plus this platform's prebuilt Node-API binary. Its only
// dependency (node-addon-api) is headers for compiling, so the staged manifest drops it.
const sqlite = join(stage, 'node_modules/better-sqlite3');
cpSync(join(root, 'node_modules/better-sqlite3/lib'), join(sqlite, 'lib'), { recursive: true });
cpSync(join(root, 'node_modules/better-sqlite3/LICENSE'), join(sqlite, 'LICENSE'));
cpSync(join(root, 'node_modules/better-sqlite3/prebuilds', `${spec.sqlite}.node`), join(sqlite, 'prebuilds', `${spec.sqlite}.node`));
writeFileSync(join(sqlite, 'package.json'), JSON.stringify(stripForShipping(readPkg('better-sqlite3')), null, 2));

// onnxruntime-node (once it is a dependency): everything but bin/, then only this platform's
// bin/napi-v6/<os>/<arch>/ folder; the package carries every platform's (~290 MB).
if (shipped.includes('onnxruntime-node')) {
  const ort = join(root, 'node_modules/onnxruntime-node');
  cpSync(ort, join(stage, 'node_modules/onnxruntime-node'), {
    recursive: true,
    filter: (s) => !s.startsWith(join(ort, 'bin')) && !s.startsWith(join(ort, 'script')),
  });
  const bin = join('bin', 'napi-v6', spec.ort[0], spec.ort[1]);
  if (!existsSync(join(ort, bin))) throw new Error(`onnxruntime-node has no ${bin}: it does not ship ${target}`);
  cpSync(join(ort, bin), join(stage, 'node_modules/onnxruntime-node', bin), { recursive: true });
  writeFileSync(join(stage, 'node_modules/onnxruntime-node/package.json'), JSON.stringify(stripForShipping(readPkg('onnxruntime-node')), null, 2));
  cpSync(join(root, 'node_modules/onnxruntime-common'), join(stage, 'node_modules/onnxruntime-common'), { recursive: true });
}

run(
  process.execPath,
  [
    join(root, 'node_modules/@vscode/vsce/vsce'),
    'package',
    '--target',
    target,
    '--allow-missing-repository',
    '--no-rewrite-relative-links',
    '--skip-license',
    '--out',
    out,
  ],
  {
    cwd: stage,
  },
);
rmSync(join(root, '.package'), { recursive: true, force: true });

// Check the finished VSIX, not the staging folder: what users install is what must be Node-API.
const { natives, problems } = await checkVsixNatives(out);
if (problems.length) {
  rmSync(out, { force: true });
  console.error(`VSIX rejected (${out} removed):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`native modules (all Node-API): ${natives.join(', ')}`);
console.log(`VSIX (${target}): ${out} (${(statSync(out).size / 1024 / 1024).toFixed(2)} MB)`);

/** @param {string} name */
function readPkg(name) {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
}

/**
 * A dependency's manifest as shipped: no install scripts (nothing runs at install time in VS Code
 * anyway) and no build-only dependencies, so vsce's dependency listing matches the files shipped.
 * @param {Record<string, any>} manifest
 */
function stripForShipping(manifest) {
  const copy = { ...manifest };
  delete copy.scripts;
  delete copy.devDependencies;
  delete copy.gypfile;
  if (copy.name === 'better-sqlite3') delete copy.dependencies; // node-addon-api: compile-time headers only
  // onnxruntime-node's other dependencies serve its install script only.
  if (copy.name === 'onnxruntime-node') copy.dependencies = { 'onnxruntime-common': copy.dependencies?.['onnxruntime-common'] };
  return copy;
}
