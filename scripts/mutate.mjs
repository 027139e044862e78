// `npm run mutate`: mutation testing of the modules the product's promises rest on (issue 21).
//   StrykerJS (stryker.config.mjs) on src/core/ingest/runIngestor.ts, src/core/query/compile.ts,
//   src/core/snapshots/diff.ts and src/shared/downsample.ts, then mutmut (python/pyproject.toml,
//   [tool.mutmut]) on python/mlwb/writer.py. Both run one test process at a time (the machine is
//   shared) and take tens of minutes, so this is not part of `npm test`. Reports: reports/mutation/
//   (Stryker's HTML and JSON) and `mutmut results` in python/. Survivors are listed, each with why it
//   is equivalent, in docs/testing.md.
//   node scripts/mutate.mjs [--only stryker|mutmut]
import { spawnSync } from 'node:child_process';
import { installEnv } from './lib/install-env.mjs';
import { runOnSupportedNode } from './lib/node-runtime.mjs';

// Stryker 10 needs Node >= 22, like the store's native module the tests load.
await runOnSupportedNode(import.meta.url);

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const failures = [];

function run(title, command, commandArgs, options = {}) {
  console.log(`\n▶ ${title}`);
  const r = spawnSync(command, commandArgs, { stdio: 'inherit', ...options });
  if (r.status !== 0) failures.push(`${title} (exit ${r.status ?? r.signal})`);
  return r.status === 0;
}

if (!only || only === 'stryker') {
  run('StrykerJS on src/core (stryker.config.mjs)', process.execPath, ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run']);
}

if (!only || only === 'mutmut') {
  // mutmut is pinned in python/requirements-mutate.txt; installed from PyPI when missing.
  const probe = spawnSync('python3', ['-c', 'import mutmut, pytest'], { stdio: 'ignore' });
  if (probe.status !== 0) {
    run(
      'install mutmut (python/requirements-mutate.txt)',
      'python3',
      ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', 'requirements-mutate.txt', '-r', 'requirements-test.txt'],
      {
        cwd: 'python',
        env: installEnv(),
      },
    );
  }
  if (run('mutmut on python/mlwb/writer.py', 'python3', ['-m', 'mutmut', 'run', '--max-children', '1'], { cwd: 'python' })) {
    run('mutmut results (survivors)', 'python3', ['-m', 'mutmut', 'results'], { cwd: 'python' });
  }
}

for (const f of failures) console.log(`✖ ${f}`);
process.exitCode = failures.length ? 1 : 0;
