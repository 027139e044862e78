import * as fs from 'node:fs';
import * as path from 'node:path';
import { POOL_AFTER_BYTES, startEarlyWorker } from '../core/snapshots/earlyWorker';

/**
 * For `mlwb snapshot create <path>` of a folder or a large file, starts a hashing thread before
 * the CLI loads (see core/snapshots/earlyWorker.ts): its boot then overlaps the CLI's start-up.
 * A small file is hashed on the CLI's own thread, so it starts none. Anything it cannot read from
 * the arguments alone (help, a missing path) starts none either.
 */
export function startEarlyHashWorkerFor(argv: readonly string[], cwd: string): void {
  if (argv[0] !== 'snapshot' || argv[1] !== 'create' || argv.includes('-h') || argv.includes('--help')) return;
  const target = targetOf(argv.slice(2));
  if (target === undefined) return;
  const st = fs.statSync(path.resolve(cwd, target), { throwIfNoEntry: false });
  if (st && (st.isDirectory() || st.size > POOL_AFTER_BYTES)) startEarlyWorker();
}

/** The first argument that is neither an option nor --name's value. */
function targetOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--name') i++;
    else if (!args[i]!.startsWith('-')) return args[i];
  }
  return undefined;
}
