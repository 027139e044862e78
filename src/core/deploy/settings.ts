/** Per-workspace deploy preferences: the last target used, so one-click Deploy goes there again. */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface DeploySettings {
  lastTarget?: string;
}

// Beside deployments/, not in it: that folder holds only records (`<id>.json`) and their folders.
const file = (mlwbRoot: string) => path.join(mlwbRoot, 'deploy-settings.json');

function read(mlwbRoot: string): DeploySettings {
  try {
    const v = JSON.parse(fs.readFileSync(file(mlwbRoot), 'utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as DeploySettings) : {};
  } catch {
    return {};
  }
}

export function lastTarget(mlwbRoot: string): string | undefined {
  const t = read(mlwbRoot).lastTarget;
  return typeof t === 'string' ? t : undefined;
}

export function rememberTarget(mlwbRoot: string, kind: string): void {
  fs.mkdirSync(mlwbRoot, { recursive: true });
  const f = file(mlwbRoot);
  const tmp = `${f}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ ...read(mlwbRoot), lastTarget: kind }, null, 2) + '\n');
  fs.renameSync(tmp, f);
}
