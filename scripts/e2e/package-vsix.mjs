// Build this machine's VSIX (scripts/package.mjs) for the e2e tests and the demo.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './proc.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Run `scripts/package.mjs --out <out>`; its output goes to `logFile` when given, else to this console.
 * @param {{ out: string, log?: (msg: string) => void, logFile?: string }} opts
 * @returns {Promise<string>} the VSIX path
 */
export async function packageVsix({ out, log = console.log, logFile }) {
  const script = join(REPO_ROOT, 'scripts', 'package.mjs');
  if (!existsSync(script)) throw new Error(`${script} does not exist yet: cannot build the extension`);
  mkdirSync(dirname(out), { recursive: true });
  const t0 = Date.now();
  log(`packaging the extension -> ${out}`);
  await run(process.execPath, [script, '--out', out], {
    cwd: REPO_ROOT,
    timeoutMs: 20 * 60_000,
    label: 'package the extension (scripts/package.mjs)',
    logFile,
    heartbeat: log,
    hint: 'run `npm run package` to see the whole output; a type or bundle error there is in the source, not the machine.',
  });
  if (!existsSync(out)) throw new Error(`scripts/package.mjs finished but wrote no ${out}`);
  log(`packaged in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}
