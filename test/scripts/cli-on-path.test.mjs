// The way README and docs/cli.md recommend to get `mlwb` on PATH: `npm run build && npm link`.
// This links the checkout into a throwaway npm prefix (never the real global one) and runs the
// linked command by name from an unrelated folder, as a user's shell would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmCliPath } from '../../scripts/e2e/proc.mjs';
import { installEnv } from '../../scripts/lib/install-env.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('mlwb on PATH after `npm link`', function () {
  this.timeout(60_000);

  it('runs as `mlwb` from any folder and reads that folder', function () {
    if (!existsSync(join(repo, 'dist', 'cli.js'))) this.skip(); // the suite builds first; a bare mocha run may not have
    const prefix = mkdtempSync(join(tmpdir(), 'mlwb-link-prefix-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'mlwb-link-cwd-'));
    try {
      const env = { ...installEnv(), npm_config_prefix: prefix, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
      const link = spawnSync(process.execPath, [npmCliPath(), 'link', '--ignore-scripts', '--offline'], { cwd: repo, encoding: 'utf8', env });
      assert.equal(link.status, 0, link.stderr);
      // This Node first on PATH: the bin's `#!/usr/bin/env node` must find a supported one.
      const PATH = [dirname(process.execPath), join(prefix, 'bin'), process.env.PATH].join(delimiter);
      const r = spawnSync('mlwb', ['runs', 'list'], { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, PATH, MLWB_DIR: '' } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /No ML Workbench workspace found: no \.mlwb folder in .*mlwb-link-cwd-/);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
