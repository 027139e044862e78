// The environment for every install step the project runs (npm installs of Node or code-server,
// node-gyp builds). When our scripts are started through `npm run …`, the outer npm exports its own
// configuration as npm_config_* / npm_* variables (user agent with the outer Node's version,
// nodedir, prefix, global settings from ~/.npmrc) and puts its node-gyp shim and node_modules/.bin
// folders on PATH. An inner npm running under another Node reads those and behaves as if it were the
// outer one: code-server's install script, for one, reads the Node major from
// $npm_config_user_agent and refuses to install ("requires node v24 … you are on node v20").
// So every inner install starts from the user's own environment, minus what the outer npm added.
import { delimiter } from 'node:path';

/** Variables the outer npm sets or forwards; all of them change what an inner npm or node-gyp does. */
const NPM_VARIABLE = /^npm_/i;

/** PATH entries `npm run` prepends: its node-gyp shim and each ancestor's node_modules/.bin. */
function addedByNpm(/** @type {string} */ dir) {
  const d = dir.replaceAll('\\', '/');
  return d.endsWith('/node_modules/.bin') || d.includes('/@npmcli/run-script/lib/node-gyp-bin');
}

/**
 * A copy of `base` without the outer npm's configuration, with `extra` applied on top.
 * @param {NodeJS.ProcessEnv} [base]
 * @param {NodeJS.ProcessEnv} [extra]  set after cleaning (e.g. npm_config_nodedir for a build that wants it)
 * @returns {NodeJS.ProcessEnv}
 */
export function installEnv(base = process.env, extra = {}) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [key, value] of Object.entries(base)) {
    if (NPM_VARIABLE.test(key) || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  // After `extra`: a PATH built from process.env.PATH must lose npm's entries too.
  const pathKey = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  if (env[pathKey])
    env[pathKey] = env[pathKey]
      .split(delimiter)
      .filter((d) => d && !addedByNpm(d))
      .join(delimiter);
  return env;
}

/** Keys of `env` that an inner install would inherit from an outer npm (for tests and diagnostics). */
export function outerNpmKeys(/** @type {NodeJS.ProcessEnv} */ env) {
  return Object.keys(env).filter((k) => NPM_VARIABLE.test(k) || k === 'INIT_CWD');
}
