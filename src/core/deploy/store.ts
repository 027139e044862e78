/**
 * Deployment records on disk: `.mlwb/deployments/<id>.json`, one file each, replaced atomically
 * (write to a temp file, rename) so a reader in another process never sees half a record.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import type { DeploymentRecord } from './deployment';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function deploymentsDir(mlwbRoot: string): string {
  return path.join(mlwbRoot, 'deployments');
}

function fileOf(mlwbRoot: string, id: string): string {
  if (!ID.test(id)) throw new MlwbError(`Invalid deployment id: ${JSON.stringify(id)}`, 'INVALID_ARGUMENT');
  return path.join(deploymentsDir(mlwbRoot), `${id}.json`);
}

export function writeDeployment(mlwbRoot: string, rec: DeploymentRecord): void {
  const file = fileOf(mlwbRoot, rec.id);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

export function readDeployment(mlwbRoot: string, id: string): DeploymentRecord {
  const file = fileOf(mlwbRoot, id);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new MlwbError(`No deployment ${id}. Run \`mlwb deployments\` to list them.`, 'NOT_FOUND');
  }
  return JSON.parse(text) as DeploymentRecord;
}

/** Every deployment, newest first. A record that does not parse is skipped, not fatal. */
export function listDeployments(mlwbRoot: string): DeploymentRecord[] {
  const dir = deploymentsDir(mlwbRoot);
  if (!fs.existsSync(dir)) return [];
  const out: DeploymentRecord[] = [];
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as DeploymentRecord);
    } catch {
      /* a record being replaced or damaged by hand; the next listing sees it */
    }
  }
  return out.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
}

export function removeDeployment(mlwbRoot: string, id: string): void {
  fs.rmSync(fileOf(mlwbRoot, id), { force: true });
}
