import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';

/**
 * The absolute path of a run's artifact, refusing anything that would leave the run's
 * `artifacts/` folder (the artifact path comes from a log or a message, so it is untrusted).
 */
export function runArtifactPath(runsDir: string, runId: string, artifact: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(runId)) throw new MlwbError(`Not a run id: ${JSON.stringify(runId)}.`, 'INVALID_ARGUMENT');
  const base = path.join(runsDir, runId, 'artifacts');
  const rel = artifact.replace(/\\/g, '/');
  if (rel.startsWith('/') || rel.split('/').some((s) => s === '..')) {
    throw new MlwbError(`The artifact path ${JSON.stringify(artifact)} leaves the run's artifacts folder.`, 'INVALID_ARGUMENT');
  }
  const abs = path.join(base, rel);
  if (!fs.existsSync(abs)) throw new MlwbError(`Run ${runId} has no artifact ${artifact}.`, 'NOT_FOUND');
  return abs;
}
