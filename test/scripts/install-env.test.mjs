// Issue 10: an inner install (Node, code-server, node-gyp) must not see the outer npm's
// configuration, or code-server's postinstall reads the outer Node's version from
// $npm_config_user_agent and refuses to install. This goes through a real `npm run`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmCliPath } from '../../scripts/e2e/proc.mjs';
import { installEnv, outerNpmKeys } from '../../scripts/lib/install-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

describe('install steps get a clean environment (scripts/lib/install-env.mjs)', function () {
  this.timeout(60_000);

  it('an install launched from a script started by `npm run` carries none of the outer npm configuration', () => {
    const project = mkdtempSync(join(tmpdir(), 'mlwb-npm-run-'));
    try {
      const fixture = join(here, 'fixtures', 'inner-install-env.mjs');
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'probe', private: true, scripts: { probe: `node ${JSON.stringify(fixture)}` } }));
      // A project .npmrc setting, as ours had: npm exports it to scripts as npm_config_*.
      writeFileSync(join(project, '.npmrc'), 'fund=false\nsave-exact=true\n');
      const r = spawnSync(process.execPath, [npmCliPath(), 'run', '--silent', 'probe'], { cwd: project, encoding: 'utf8', env: installEnv() });
      assert.equal(r.status, 0, r.stderr);
      const { outer, inner } = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
      // The outer script really ran under npm with its configuration (else this test proves nothing).
      assert.match(outer.npm_config_user_agent ?? '', /^npm\//);
      assert.ok(outerNpmKeys(outer).length > 5, `outer npm variables: ${outerNpmKeys(outer).join(' ')}`);
      assert.deepEqual(outerNpmKeys(inner), []);
      const innerPath = (inner.PATH ?? '').split(delimiter);
      assert.ok(!innerPath.some((d) => d.includes('node-gyp-bin') || d.endsWith(`${project}/node_modules/.bin`)), inner.PATH);
      assert.equal(inner.MLWB_PROBE_EXTRA, 'kept');
      assert.equal(inner.HOME, outer.HOME, 'the user environment itself is kept');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('values a step sets on purpose survive, and PATH is cleaned after they are applied', () => {
    const env = installEnv(
      { PATH: ['/x/node_modules/.bin', '/usr/bin'].join(delimiter), npm_config_nodedir: '/usr', NPM_CONFIG_PREFIX: '/p', HOME: '/h' },
      { npm_config_nodedir: '/node24', PATH: ['/node24/bin', '/x/node_modules/.bin', '/usr/bin'].join(delimiter) },
    );
    assert.deepEqual(env, { HOME: '/h', npm_config_nodedir: '/node24', PATH: ['/node24/bin', '/usr/bin'].join(delimiter) });
  });

  it('every script that launches npm or node-gyp goes through the clean environment', () => {
    const scripts = join(repo, 'scripts');
    const files = readdirSync(scripts, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mjs') && !f.startsWith('lib/'));
    const launchers = files.filter((f) => /npmCliPath\(\)|npmCli\(\)|node-gyp\.js/.test(readFileSync(join(scripts, f), 'utf8')));
    assert.ok(launchers.length > 0, 'no script launches npm: this check has nothing to look at');
    for (const f of launchers) {
      const text = readFileSync(join(scripts, f), 'utf8');
      assert.ok(/runInstall\(|installEnv\(/.test(text), `${f} launches npm or node-gyp without runInstall/installEnv`);
    }
  });
});
