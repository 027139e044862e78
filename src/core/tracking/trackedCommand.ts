import * as path from 'node:path';

export interface TrackedCommandInput {
  /** Absolute path of the Python script. */
  script: string;
  args?: readonly string[];
  /** The interpreter: the Python extension's selection, else `python3`. */
  python: string;
  /** The `.mlwb/` folder runs go to. */
  mlwbDir: string;
  /** The bundled client's folder (`<extension>/python`), put first on PYTHONPATH. */
  clientDir: string;
  experiment?: string;
  /** The PYTHONPATH already in effect, kept after ours. */
  inheritedPythonPath?: string;
}

export interface TrackedCommand {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * How "Run with Tracking" starts a script: an argument array (never a shell string built from
 * file names), the bundled client importable as `mlwb`, and the workspace's `.mlwb/` as MLWB_DIR.
 */
export function trackedCommand(input: TrackedCommandInput): TrackedCommand {
  const pythonPath = [input.clientDir, ...(input.inheritedPythonPath ? [input.inheritedPythonPath] : [])].join(path.delimiter);
  const env: Record<string, string> = {
    MLWB_DIR: input.mlwbDir,
    PYTHONPATH: pythonPath,
    // Unbuffered output so the terminal and the run's output.log show progress as it happens.
    PYTHONUNBUFFERED: '1',
  };
  if (input.experiment) env['MLWB_EXPERIMENT'] = input.experiment;
  return { command: input.python, args: [input.script, ...(input.args ?? [])], cwd: path.dirname(input.script), env };
}

/** Whether a line is the `if __name__ == "__main__":` guard that marks a script's entry point. */
export function isMainGuard(line: string): boolean {
  return /^if\s+__name__\s*==\s*(['"])__main__\1\s*:/.test(line);
}
