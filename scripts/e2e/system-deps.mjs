// Debian packages the e2e harness needs: Chromium to drive, and the tools code-server's install builds with.
import { existsSync } from 'node:fs';
import { onPath, runInstall } from './proc.mjs';

/** @typedef {{ pkg: string, why: string, present: () => boolean }} SystemDep */

/** @type {SystemDep[]} */
const BROWSER = [{ pkg: 'chromium', why: 'browser driven by Playwright', present: () => existsSync(chromiumPath()) }];

/** @type {SystemDep[]} */
const BUILD = [
  { pkg: 'libkrb5-dev', why: "headers for code-server's kerberos module", present: () => existsSync('/usr/include/gssapi/gssapi.h') && onPath('krb5-config') },
  { pkg: 'pkg-config', why: 'used by native module builds', present: () => onPath('pkg-config') },
  { pkg: 'make', why: 'node-gyp builds', present: () => onPath('make') },
  { pkg: 'g++', why: 'node-gyp builds', present: () => onPath('g++') },
  { pkg: 'python3', why: 'node-gyp builds', present: () => onPath('python3') },
];

/** @type {SystemDep[]} The real-container integration test: Podman with runc, and mmdebstrap to make a base image without a registry. */
const CONTAINERS = [
  { pkg: 'podman', why: 'container engine for the container deploy target test', present: () => onPath('podman') },
  { pkg: 'runc', why: "Podman's runtime where crun cannot run (cgroups v1)", present: () => existsSync('/usr/sbin/runc') || onPath('runc') },
  { pkg: 'mmdebstrap', why: "builds the test base image from Debian's archive (no image registry needed)", present: () => onPath('mmdebstrap') },
];

/** Chromium binary: `MLWB_CHROMIUM` or Debian's `/usr/bin/chromium`. */
export function chromiumPath() {
  return process.env.MLWB_CHROMIUM || '/usr/bin/chromium';
}

/**
 * Make sure the Debian packages are there; installs them with apt-get when running as root,
 * otherwise throws an error that says exactly what to install.
 * @param {{ build: boolean, log: (msg: string) => void, logFile?: string }} opts `build`: also the code-server build tools;
 *   apt's output goes to `logFile` when given
 */
export async function ensureSystemDeps({ build, log, logFile }) {
  const wanted = build ? [...BROWSER, ...BUILD] : BROWSER;
  const missing = wanted.filter((d) => !d.present());
  if (missing.length === 0) return;
  const pkgs = missing.map((d) => d.pkg);
  const list = missing.map((d) => `  ${d.pkg} (${d.why})`).join('\n');
  if (process.getuid?.() !== 0) {
    throw new Error(`missing system packages:\n${list}\ninstall them with:\n  sudo apt-get update && sudo apt-get install -y ${pkgs.join(' ')}`);
  }
  await aptInstall(missing, { log, logFile });
}

/**
 * The container test's packages, installed with apt-get when running as root. Never fails the run:
 * without them (not root, or apt failed) the container test skips and says what to install.
 * @param {{ log: (msg: string) => void, logFile?: string }} opts
 */
export async function ensureContainerDeps({ log, logFile }) {
  const missing = CONTAINERS.filter((d) => !d.present());
  if (missing.length === 0) return;
  const pkgs = missing.map((d) => d.pkg).join(' ');
  if (process.getuid?.() !== 0) {
    log(`the real-container test will skip: missing ${pkgs} (sudo apt-get install -y ${pkgs})`);
    return;
  }
  try {
    await aptInstall(missing, { log, logFile });
  } catch (e) {
    log(`the real-container test will skip: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * @param {SystemDep[]} missing
 * @param {{ log: (msg: string) => void, logFile?: string }} opts
 */
async function aptInstall(missing, { log, logFile }) {
  const pkgs = missing.map((d) => d.pkg);
  log(`installing system packages: ${pkgs.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const hint = `install them yourself (apt-get install -y ${pkgs.join(' ')}) and run the same command again.`;
  await runInstall('apt-get', ['update'], { env, timeoutMs: 5 * 60_000, logFile, label: 'apt-get update', hint });
  await runInstall('apt-get', ['install', '-y', ...pkgs], {
    env,
    timeoutMs: 15 * 60_000,
    logFile,
    label: `apt-get install ${pkgs.join(' ')}`,
    hint,
    heartbeat: log,
  });
  const still = missing.filter((d) => !d.present());
  if (still.length) throw new Error(`still missing after apt-get install: ${still.map((d) => d.pkg).join(' ')}`);
}
