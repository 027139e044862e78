import { runCli } from '../../src/cli/program';
import type { Output } from '../../src/cli/output';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process against `cwd`, capturing what it prints. */
export async function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out: Output = {
    json: (v) => (stdout += JSON.stringify(v, null, 2) + '\n'),
    line: (t) => (stdout += t + '\n'),
    error: (t) => (stderr += t + '\n'),
  };
  const code = await runCli(args, { cwd, env }, out);
  return { code, stdout, stderr };
}
