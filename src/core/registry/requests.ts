import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../errors';
import { modelsDir } from './log';
import { registerModel, type RegisterOptions } from './registry';
import { runArtifactPath } from './runArtifact';

/**
 * Register requests from the Python client (`run.log_model`), which cannot validate ONNX itself:
 * `.mlwb/models/.requests/<id>.json` = `{v, name, run_id, artifact, sample_input, alias}`, with
 * paths relative to the run's artifacts folder. A processor claims a request by renaming it
 * (atomic, so two processors never both take it), registers it, and leaves `<id>.result.json`
 * (`{version}` or `{error}`) for the client to read.
 */
export interface RegisterRequest {
  readonly name: string;
  readonly run_id: string;
  readonly artifact: string;
  readonly sample_input: string | null;
  readonly alias: string | null;
}

export interface RequestOutcome {
  readonly id: string;
  readonly name: string;
  readonly version?: number;
  readonly duplicate?: boolean;
  readonly error?: string;
}

export function requestsDir(mlwbRoot: string): string {
  return path.join(modelsDir(mlwbRoot), '.requests');
}

export function pendingRequestIds(mlwbRoot: string): string[] {
  try {
    return fs
      .readdirSync(requestsDir(mlwbRoot))
      .filter((f) => f.endsWith('.json') && !f.endsWith('.result.json') && !f.startsWith('.'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

/** Processes every pending request; returns what happened to each one this call claimed. */
export async function processRegisterRequests(mlwbRoot: string, validate: RegisterOptions['validate']): Promise<RequestOutcome[]> {
  const dir = requestsDir(mlwbRoot);
  const outcomes: RequestOutcome[] = [];
  for (const id of pendingRequestIds(mlwbRoot)) {
    const claimed = path.join(dir, `.${id}.claimed-${process.pid}`);
    try {
      fs.renameSync(path.join(dir, `${id}.json`), claimed);
    } catch {
      continue; // another processor took it
    }
    let outcome: RequestOutcome;
    let name = '';
    try {
      const req = JSON.parse(fs.readFileSync(claimed, 'utf8')) as RegisterRequest;
      name = String(req.name);
      const runsDir = path.join(mlwbRoot, 'runs');
      const file = runArtifactPath(runsDir, req.run_id, req.artifact);
      const sampleInput = req.sample_input
        ? (JSON.parse(fs.readFileSync(runArtifactPath(runsDir, req.run_id, req.sample_input), 'utf8')) as unknown)
        : undefined;
      const r = await registerModel(mlwbRoot, {
        name,
        file,
        runId: req.run_id,
        source: `run:${req.run_id}/${req.artifact}`,
        alias: req.alias ?? undefined,
        sampleInput,
        validate,
      });
      outcome = { id, name, version: r.version.version, duplicate: r.duplicate };
    } catch (e) {
      outcome = { id, name, error: errorMessage(e) };
    }
    fs.writeFileSync(path.join(dir, `${id}.result.json`), JSON.stringify(outcome));
    fs.rmSync(claimed, { force: true });
    outcomes.push(outcome);
  }
  return outcomes;
}
