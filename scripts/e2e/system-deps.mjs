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
