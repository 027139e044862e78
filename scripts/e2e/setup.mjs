// Idempotent installs for the e2e tests and the demo, cached outside the repo:
// Node 24 with headers (scripts/lib/node-runtime.mjs), code-server built with that Node, Chromium check.
// Usage: node scripts/e2e/setup.mjs        (prints the paths as JSON)
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { npmCliPath, runInstall } from './proc.mjs';
import { chromiumPath, ensureSystemDeps } from './system-deps.mjs';
import { withLock } from './lock.mjs';
import { ensureNode, NODE_VERSIONS } from '../lib/node-runtime.mjs';

export const NODE24_VERSION = NODE_VERSIONS[24];
export const CODE_SERVER_VERSION = '4.139.1';
const MARKER = '.mlwb-e2e-installed';

/**
 * @typedef {object} E2ePaths
 * @property {string} cacheDir
 * @property {string} node24Dir      Node 24 package folder (bin/node, include/node): code-server is built against it
 * @property {string} node24Bin      Node 24 binary
 * @property {string} codeServerBin  executable wrapper that runs code-server on Node 24
 * @property {string} chromium       Chromium binary for Playwright
 */

/** Cache root: `MLWB_E2E_CACHE` or `~/.cache/ml-workbench-e2e`. */
export function cacheDir() {
  return process.env.MLWB_E2E_CACHE || join(homedir(), '.cache', 'ml-workbench-e2e');
}

/**
 * Install whatever is missing and return the paths. A warm cache returns in milliseconds.
 * @param {{ log?: (msg: string) => void }} [opts]
 * @returns {Promise<E2ePaths>}
 */
export async function setup(opts = {}) {
  const log = opts.log ?? ((msg) => console.log(`[e2e setup] ${msg}`));
  const cache = cacheDir();
  mkdirSync(join(cache, 'logs'), { recursive: true });
  // Node 24 (with headers, for code-server's native build) is the same one the project's scripts run on.
  const node24 = await ensureNode(NODE24_VERSION, { log });
  const node24Dir = node24.dir;
  const node24Bin = node24.bin;
  const csPrefix = join(cache, `code-server-${CODE_SERVER_VERSION}-node-${NODE24_VERSION}`);
  const entry = join(csPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const codeServerBin = join(cache, 'bin', `code-server-${CODE_SERVER_VERSION}`);
  const paths = { cacheDir: cache, node24Dir, node24Bin, codeServerBin, chromium: chromiumPath() };

  const csMarker = { codeServer: CODE_SERVER_VERSION, node: NODE24_VERSION };
  const warm = hasMarker(csPrefix, csMarker) && existsSync(codeServerBin);
  await ensureSystemDeps({ build: !warm, log, logFile: join(cache, 'logs', 'apt.log') });
  if (warm) {
    writeWrapper(codeServerBin, node24Bin, entry); // the Node it names may have moved caches
    return paths;
  }

  return withLock(join(cache, '.setup.lock'), log, async () => {
    const npm = npmCliPath();
    if (!hasMarker(csPrefix, csMarker)) {
      log(`installing code-server ${CODE_SERVER_VERSION} with Node ${NODE24_VERSION} into ${csPrefix} (2–5 minutes)`);
      // runInstall drops the outer npm's npm_config_* (its user agent names the outer Node, which
      // code-server's postinstall reads); only what this install needs is set on top.
      const env = {
        PATH: `${join(node24Dir, 'bin')}:${process.env.PATH}`,
        npm_config_nodedir: node24Dir,
        npm_config_unsafe_perm: 'true',
      };
      await freshInstall(csPrefix, csMarker, () =>
        runInstall(node24Bin, [npm, 'install', '--prefix', csPrefix, '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
          cwd: cache,
          env,
          label: `install code-server ${CODE_SERVER_VERSION} with Node ${NODE24_VERSION}`,
          hint: 'code-server compiles native modules: make sure libkrb5-dev, pkg-config, make, g++ and python3 are installed, then run the same command again.',
          timeoutMs: 20 * 60_000,
          logFile: join(cache, 'logs', 'code-server-install.log'),
          heartbeat: log,
        }),
      );
      if (!existsSync(entry)) throw new Error(`code-server entry point missing: ${entry}`);
    }
    writeWrapper(codeServerBin, node24Bin, entry);
    log('done');
    return paths;
  });
}

/**
 * @param {string} prefix
 * @param {Record<string, string>} versions
 */
function hasMarker(prefix, versions) {
  try {
    return JSON.stringify(JSON.parse(readFileSync(join(prefix, MARKER), 'utf8')).versions) === JSON.stringify(versions);
  } catch {
    return false;
  }
}

/**
 * Remove a half-done install, run the installer, then write the marker (only on success).
 * @param {string} prefix
 * @param {Record<string, string>} versions
 * @param {() => Promise<void>} install
 */
async function freshInstall(prefix, versions, install) {
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  await install();
  writeFileSync(join(prefix, MARKER), JSON.stringify({ versions, installedAt: new Date().toISOString() }, null, 2) + '\n');
}

/**
 * A shell wrapper so code-server can be run directly (its own bin uses whatever `node` is on PATH).
 * @param {string} file
 * @param {string} node
 * @param {string} entry
 */
function writeWrapper(file, node, entry) {
  const q = (/** @type {string} */ s) => `'${s.replaceAll("'", `'\\''`)}'`;
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `#!/bin/sh\nexec ${q(node)} ${q(entry)} "$@"\n`);
  chmodSync(file, 0o755);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t0 = Date.now();
  setup()
    .then((paths) => {
      console.log(JSON.stringify(paths, null, 2));
      console.log(`[e2e setup] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    })
    .catch((err) => {
      console.error(`[e2e setup] failed: ${err.message}`);
      process.exit(1);
    });
}
