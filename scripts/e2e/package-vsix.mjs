// Build the extension's VSIX for code-server's runtime (better-sqlite3 compiled against Node 24's headers).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './proc.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Run `scripts/package.mjs --node-dir <node24Dir> --out <out>` (output streams to this console).
 * @param {{ node24Dir: string, out: string, log?: (msg: string) => void }} opts
 * @returns {Promise<string>} the VSIX path
 */
export async function packageVsix({ node24Dir, out, log = console.log }) {
  const script = join(REPO_ROOT, 'scripts', 'package.mjs');
  if (!existsSync(script)) throw new Error(`${script} does not exist yet: cannot build the extension`);
  mkdirSync(dirname(out), { recursive: true });
  const t0 = Date.now();
  log(`[e2e] packaging the extension for Node 24 -> ${out}`);
  await run(process.execPath, [script, '--node-dir', node24Dir, '--out', out], {
    cwd: REPO_ROOT,
    timeoutMs: 20 * 60_000,
    label: 'scripts/package.mjs',
  });
  if (!existsSync(out)) throw new Error(`scripts/package.mjs finished but wrote no ${out}`);
  log(`[e2e] packaged in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}
