// Loads a model once in a short-lived child process before the server's worker threads load it.
//
// Why a process: a model that makes onnxruntime abort natively (SIGABRT, SIGSEGV: a C++ abort, not
// a JavaScript exception) takes down the whole process, worker threads included, so the server
// could only die by a signal and say nothing. In a child, the same abort is an exit signal the
// server can turn into a clear error naming the model, and exit 1. onnxruntime 1.30 turned every
// broken file tried here into an ordinary error (truncated and bit-flipped files, shape errors,
// cycles, recursive functions, bad ai.onnx.ml attributes); the probe is for the ones it does not.
// The probe costs one extra load per model at start (a child Node and an InferenceSession).
import { spawn } from 'node:child_process';
import { createSession } from './sessionWorker';
import type { SessionWorkerData } from './workerMessages';

/** The argv flag that makes dist/server.js a probe: `server.js --probe-model '<SessionWorkerData JSON>'`. */
export const PROBE_FLAG = '--probe-model';

/** Resolves when `data.path` loads in a child process; rejects with a message that names the model otherwise. */
export function probeModelLoad(script: string, data: SessionWorkerData, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, PROBE_FLAG, JSON.stringify(data)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      if (stderr.length < 8192) stderr += c;
    });
    child.once('error', (e) => reject(new Error(`cannot check ${label} (${data.path}): ${e.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else if (signal)
        reject(
          new Error(
            `onnxruntime crashed (${signal}) while loading ${label} from ${data.path}. The file is damaged or uses something ` +
              `this onnxruntime cannot load; check it with Python's onnx.checker and onnxruntime, or re-export it.${tail(stderr)}`,
          ),
        );
      else reject(new Error(`cannot load ${data.path}: ${lastLine(stderr) || `the load check exited with code ${code}`}`));
    });
  });
}

/** Body of the probe process: load the model with the worker's session options, exit 0 or 1. */
export async function runLoadProbe(json: string): Promise<never> {
  try {
    await createSession(JSON.parse(json) as SessionWorkerData);
    process.exit(0);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}

const lastLine = (s: string): string => s.trim().split('\n').pop() ?? '';
const tail = (s: string): string => (s.trim() ? ` onnxruntime said: ${s.trim().slice(-1000)}` : '');
