/**
 * The `mlwb` executable (dist/cli.js): turns on V8's compile cache, then loads the CLI itself
 * (dist/cliMain.js, bundled from main.ts). Compiling that 1 MB bundle was about 12 ms of every
 * command's start-up, and Node only caches code loaded after the cache is on, hence this file.
 * The cache sits in Node's default folder (<tmpdir>/node-compile-cache) unless NODE_COMPILE_CACHE
 * names another; Node checks each entry against the file's content, so a rebuilt CLI never runs
 * stale code, and a cache it cannot write only costs the compile.
 */
import * as nodeModule from 'node:module';
import * as path from 'node:path';

// @types/node here is 20's; the method exists from Node 22.1 (our floor is 22.14, checked above this line).
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// A path esbuild leaves alone: the CLI is its own bundle, loaded after the cache is on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.join(__dirname, 'cliMain.js'));
