// Throw-away workspace folders for the tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small Python project; with `mlwb: true` it also has an empty `.mlwb/` (activates the extension on open).
 * @param {{ mlwb?: boolean }} [opts]
 * @returns {{ dir: string, remove: () => void }}
 */
export function makeWorkspace(opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-ws-'));
  writeFileSync(join(dir, 'train.py'), 'print("training")\n');
  if (opts.mlwb) mkdirSync(join(dir, '.mlwb'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
