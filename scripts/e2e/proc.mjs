// Small process helpers for the e2e scripts: bounded runs with argument arrays, log tails.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { installEnv } from '../lib/install-env.mjs';

/** Process groups started here and still running: killed when this process exits. @type {Set<number>} */
const liveGroups = new Set();
process.once('exit', () => liveGroups.forEach((pid) => killGroup(pid)));

/** @param {number | undefined} pid */
export function trackGroup(pid) {
  if (pid) liveGroups.add(pid);
}

/** @param {number | undefined} pid */
export function untrackGroup(pid) {
  if (pid) liveGroups.delete(pid);
}

/**
 * Turn SIGINT/SIGTERM/SIGHUP into a normal exit so the 'exit' hooks (which kill our process groups) run.
 * @param {(signal: NodeJS.Signals) => void | Promise<void>} [cleanup] awaited (bounded) before exiting
 */
export function exitOnSignals(cleanup) {
  let stopping = false;
  for (const sig of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    // \`on\`, not \`once\`: with no listener left, a second Ctrl-C (an impatient user, or the launcher
    // and the terminal both delivering one) took Node's default action and killed the process in the
    // middle of its cleanup, orphaning code-server and the demo's model server. Repeats are ignored;
    // the timer below bounds the cleanup.
    process.on(sig, async () => {
      if (stopping) return;
      stopping = true;
      const timer = setTimeout(() => process.exit(sig === 'SIGINT' ? 130 : 143), 10_000);
      try {
        await cleanup?.(sig);
      } finally {
        clearTimeout(timer);
        process.exit(sig === 'SIGINT' ? 130 : 143);
      }
    });
  }
}

/**
 * A step that failed: what was being done, where its full output is, and what the user can do.
 * Scripts print `describe()` and exit; nobody has to scroll through an install log to find why.
 */
export class StepError extends Error {
  /**
   * @param {string} step
   * @param {string} reason
   * @param {{ logFile?: string, hint?: string }} [more]
   */
  constructor(step, reason, more = {}) {
    super(`${step}: ${reason}`);
    this.step = step;
    this.reason = reason;
    this.logFile = more.logFile;
    this.hint = more.hint;
  }

  describe() {
    const lines = [`failed step: ${this.step}`, `reason:      ${this.reason}`];
    if (this.logFile) lines.push(`log file:    ${this.logFile}`, `--- last lines of the log ---`, tail(this.logFile, 25).trimEnd(), '---');
    lines.push(`what to do:  ${this.hint ?? 'read the log above, fix the cause and run the same command again (finished steps are cached).'}`);
    return lines.join('\n');
  }
}

/**
 * @typedef {object} RunOptions
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} [env]
 * @property {number} timeoutMs
 * @property {string} [logFile]   the command's output goes here (else to this console)
 * @property {string} [label]     the step's name in progress and error messages
 * @property {string} [hint]      what the user can do when it fails
 * @property {(msg: string) => void} [heartbeat]
 */

/**
 * What to print for an error that ends a script: the step, log file and hint for a StepError.
 * @param {unknown} err
 */
export function describeFailure(err) {
  if (err instanceof StepError) return err.describe();
  return `reason:      ${err instanceof Error ? err.message : String(err)}\nwhat to do:  fix the cause above and run the same command again.`;
}

/**
 * Run a command (argument array, no shell) with a hard time limit.
 * Output goes to `logFile` when given, otherwise to this process's stdout/stderr.
 * Rejects with a StepError (step, log file, hint) when the command fails or times out.
 * `heartbeat` is called every 30 s while it runs, so a long install does not look stuck.
 * @param {string} cmd
 * @param {string[]} args
 * @param {RunOptions} opts
 * @returns {Promise<void>}
 */
export function run(cmd, args, opts) {
  const label = opts.label ?? `${cmd} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const fd = opts.logFile ? openSync(opts.logFile, 'a') : null;
    /** @type {import('node:child_process').StdioOptions} */
    const stdio = fd === null ? ['ignore', 'inherit', 'inherit'] : ['ignore', fd, fd];
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio, detached: true });
    trackGroup(child.pid);
    let timedOut = false;
    const started = Date.now();
    const beat = opts.heartbeat
      ? setInterval(
          () =>
            opts.heartbeat?.(`still working: ${label} (${Math.round((Date.now() - started) / 1000)} s${opts.logFile ? `, details in ${opts.logFile}` : ''})`),
          30_000,
        )
      : undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, opts.timeoutMs);
    const done = (/** @type {Error|null} */ err) => {
      clearTimeout(timer);
      clearInterval(beat);
      untrackGroup(child.pid);
      if (fd !== null) closeSync(fd);
      if (!err) return resolve();
      reject(new StepError(label, err.message, { logFile: opts.logFile, hint: opts.hint }));
    };
    child.on('error', (err) => done(err));
    child.on('exit', (code, signal) => {
      if (timedOut) done(new Error(`timed out after ${Math.round(opts.timeoutMs / 1000)} s`));
      else if (code === 0) done(null);
      else done(new Error(`exited with ${code ?? signal}`));
    });
  });
}

/**
 * Run an install step (npm, node-gyp, apt-get) in a clean environment: the outer npm's
 * configuration never reaches it (see scripts/lib/install-env.mjs). `opts.env` is applied on top.
 * @param {string} cmd
 * @param {string[]} args
 * @param {RunOptions} opts
 */
export function runInstall(cmd, args, opts) {
  return run(cmd, args, { ...opts, env: installEnv(process.env, opts.env) });
}

/**
 * Kill a whole process group (the child was spawned with `detached: true`); ignores "no such process".
 * @param {number | undefined} pid
 * @param {NodeJS.Signals} [signal]
 */
export function killGroup(pid, signal = 'SIGKILL') {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Last `n` lines of a text file ('' when it does not exist).
 * @param {string} file
 * @param {number} n
 */
export function tail(file, n) {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
}

/**
 * Path of npm's CLI script, so npm can be run by any Node binary (e.g. Node 24 for code-server).
 * @returns {string}
 */
export function npmCliPath() {
  const candidates = [
    process.env.npm_execpath,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')),
  ];
  const found = candidates.find((p) => p && p.endsWith('npm-cli.js') && existsSync(p));
  if (!found) throw new Error('cannot find npm-cli.js (is npm installed next to node?)');
  return found;
}

/**
 * Is an executable with this name on PATH?
 * @param {string} name
 */
export function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, name)));
}
