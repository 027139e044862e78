// Start code-server with one VSIX installed into fresh, throw-away extension and user-data folders.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports.mjs';
import { killGroup, run, tail, trackGroup, untrackGroup } from './proc.mjs';

/** Settings for a quiet workbench: no trust dialog, no welcome page, no AI chat, no update/tip pop-ups. */
export const QUIET_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'editor.accessibilitySupport': 'off',
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * @typedef {object} CodeServer
 * @property {string} url       workbench URL with the folder open
 * @property {number} port
 * @property {string} root      temp folder holding extensions/, data/ and code-server.log
 * @property {string} dataDir   user-data dir (logs are under logs/)
 * @property {string} logFile   code-server's stdout/stderr
 * @property {Promise<string>} exited  resolves (with the exit code or signal) when code-server ends
 * @property {() => Promise<void>} stop  kill the whole process group and remove `root` (kept when MLWB_E2E_KEEP=1)
 */

/**
 * @param {object} opts
 * @param {string} opts.codeServerBin  from setup()
 * @param {string} opts.vsix
 * @param {string} opts.folder         workspace folder to open
 * @param {number} [opts.port]         preferred port (the next free one is used when it is taken)
 * @param {Record<string, unknown>} [opts.settings]  extra user settings
 * @param {number} [opts.startTimeoutMs]
 * @param {(msg: string) => void} [opts.log]
 * @returns {Promise<CodeServer>}
 */
export async function startCodeServer(opts) {
  const log = opts.log ?? (() => {});
  const root = mkdtempSync(join(tmpdir(), 'mlwb-cs-'));
  const extDir = join(root, 'extensions');
  const dataDir = join(root, 'data');
  const config = join(root, 'config.yaml');
  const logFile = join(root, 'code-server.log');
  mkdirSync(join(dataDir, 'User'), { recursive: true });
  mkdirSync(extDir);
  writeFileSync(join(dataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
  writeFileSync(config, 'auth: none\ncert: false\n');
  // code-server writes its own config and logs under XDG dirs: keep them in the temp folder, not in $HOME.
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, XDG_CONFIG_HOME: join(root, 'xdg-config'), XDG_DATA_HOME: join(root, 'xdg-data') };
  delete env.PORT; // code-server lets $PORT override --bind-addr
  const common = ['--config', config, '--extensions-dir', extDir, '--user-data-dir', dataDir];

  try {
    log(`installing ${opts.vsix}`);
    await run(opts.codeServerBin, [...common, '--install-extension', resolve(opts.vsix), '--force'], {
      env,
      timeoutMs: 3 * 60_000,
      logFile: join(root, 'install-extension.log'),
      label: 'code-server --install-extension',
    });
    if (!readdirSync(extDir).some((d) => !d.startsWith('.') && d !== 'extensions.json')) {
      throw new Error(`VSIX install left ${extDir} empty:\n${tail(join(root, 'install-extension.log'), 20)}`);
    }
    for (let attempt = 1; ; attempt++) {
      const port = await freePort(opts.port);
      const args = [
        ...common,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--ignore-last-opened',
        resolve(opts.folder),
      ];
      const fd = openSync(logFile, 'a');
      const child = spawn(opts.codeServerBin, args, { env, stdio: ['ignore', fd, fd], detached: true });
      closeSync(fd);
      trackGroup(child.pid);
      const exited = /** @type {Promise<string>} */ (
        new Promise((res) => {
          child.once('exit', (code, sig) => res(`exited with ${code ?? sig}`));
          child.once('error', (err) => res(`could not start: ${err.message}`));
        })
      );
      const base = `http://127.0.0.1:${port}`;
      log(`starting code-server on ${base} (log: ${logFile})`);
      const problem = await waitForHttp(`${base}/healthz`, exited, opts.startTimeoutMs ?? 90_000);
      if (!problem) {
        const url = `${base}/?folder=${encodeURIComponent(resolve(opts.folder))}`;
        return { url, port, root, dataDir, logFile, exited, stop: () => stop(child.pid, exited, root) };
      }
      killGroup(child.pid);
      untrackGroup(child.pid);
      const inUse = /EADDRINUSE/.test(tail(logFile, 20));
      if (!inUse || attempt >= 3) {
        throw new Error(`code-server did not come up on ${base}: ${problem}\n--- last lines of ${logFile} ---\n${tail(logFile, 40)}`);
      }
      log(`port ${port} was taken meanwhile, trying another`);
      opts = { ...opts, port: undefined };
    }
  } catch (err) {
    if (process.env.MLWB_E2E_KEEP !== '1') rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Poll until the URL answers (any HTTP status), the process exits, or time runs out.
 * @param {string} url
 * @param {Promise<string>} exited resolves with a reason when the server process ends
 * @param {number} timeoutMs
 * @returns {Promise<string | null>} null when up, else what went wrong
 */
async function waitForHttp(url, exited, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let gone = /** @type {string | null} */ (null);
  exited.then((why) => (gone = why));
  while (Date.now() < deadline) {
    if (gone) return gone;
    try {
      await fetch(url, { signal: AbortSignal.timeout(3000) });
      return null;
    } catch {
      await sleep(250);
    }
  }
  return `no HTTP answer within ${Math.round(timeoutMs / 1000)} s`;
}

/**
 * @param {number | undefined} pid
 * @param {Promise<string>} exited
 * @param {string} root
 */
async function stop(pid, exited, root) {
  killGroup(pid, 'SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!done) killGroup(pid, 'SIGKILL');
  untrackGroup(pid);
  if (process.env.MLWB_E2E_KEEP !== '1' && existsSync(root)) {
    // processes started by the extension may still be writing for a moment
    for (let i = 0; i < 5; i++) {
      try {
        rmSync(root, { recursive: true, force: true });
        break;
      } catch {
        await sleep(200);
      }
    }
  }
}
