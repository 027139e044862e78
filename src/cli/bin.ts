/**
 * The `mlwb` executable (dist/cli.js): turns on V8's compile cache, then loads the CLI itself
 * (dist/cliMain.js, bundled from main.ts, or dist/cliSnapshot.js from snapshotMain.ts). Compiling that 1 MB bundle was about 12 ms of every
 * command's start-up, and Node only caches code loaded after the cache is on, hence this file.
 * The cache sits in Node's default folder (<tmpdir>/node-compile-cache) unless NODE_COMPILE_CACHE
 * names another; Node checks each entry against the file's content, so a rebuilt CLI never runs
 * stale code, and a cache it cannot write only costs the compile.
 */
import * as nodeModule from 'node:module';
import * as path from 'node:path';
import { startEarlyHashWorkerFor } from './earlyHashWorker';

// @types/node here is 20's; the method exists from Node 22.1 (our floor is 22.14, checked above this line).
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// A snapshot's hashing thread boots (about 30 ms) while the CLI below loads.
startEarlyHashWorkerFor(process.argv.slice(2), process.cwd());
// A path esbuild leaves alone: the CLI is its own bundle, loaded after the cache is on. Snapshot
// commands have a bundle of their own (snapshotMain.ts), a third of the size.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.join(__dirname, process.argv[2] === 'snapshot' ? 'cliSnapshot.js' : 'cliMain.js'));
