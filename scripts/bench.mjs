// `npm run bench`: builds, then runs every benchmark (compiled `out/bench/*.bench.js` and plain
// `bench/*.bench.mjs`) one after another, so they do not compete for the two cores.
// Each prints its own JSON with ratios against a baseline measured in the same run.
// `npm run bench -- ingest` runs only benchmarks whose file name contains "ingest".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runOnSupportedNode } from './lib/node-runtime.mjs';

// Node < 22 cannot load the store's native module: run this script on a supported Node instead.
await runOnSupportedNode(import.meta.url);

const filter = process.argv[2];
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const list = (dir, suffix) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(suffix))
        .map((f) => join(dir, f))
    : [];
const benches = [...list('out/bench', '.bench.js'), ...list('bench', '.bench.mjs')].filter((f) => !filter || f.includes(filter)).sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n▶ ${file}`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
console.log(`\n${benches.length - failed} benchmarks ran, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
