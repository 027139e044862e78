/**
 * Finding a container engine: `docker` or `podman`, whichever answers `<tool> info` (the CLI being
 * installed is not enough: Docker's CLI without a running daemon is common). Extra flags some hosts
 * need come from the environment rather than being hard-coded, e.g. for Podman on a host with
 * cgroups v1: MLWB_PODMAN_ARGS="--runtime /usr/sbin/runc --cgroup-manager cgroupfs".
 *
 *   MLWB_CONTAINER_ENGINE   docker | podman: use only this one
 *   MLWB_DOCKER_ARGS / MLWB_PODMAN_ARGS        global flags before every subcommand
 *   MLWB_CONTAINER_BUILD_ARGS / MLWB_CONTAINER_RUN_ARGS   extra flags for `build` / `run`
 * (whitespace-separated; no shell is involved, so quoting is not interpreted).
 */
import { MlwbError } from '../../errors';
import { lastLines, runTool } from './toolProcess';

export type EngineName = 'docker' | 'podman';

export interface ContainerEngine {
  readonly name: EngineName;
  /** Global flags, placed before the subcommand. */
  readonly global: readonly string[];
  readonly buildArgs: readonly string[];
  readonly runArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

const words = (s: string | undefined): string[] => (s ?? '').split(/\s+/).filter(Boolean);

export function engineFor(name: EngineName, env: NodeJS.ProcessEnv): ContainerEngine {
  return {
    name,
    global: words(env[name === 'docker' ? 'MLWB_DOCKER_ARGS' : 'MLWB_PODMAN_ARGS']),
    buildArgs: words(env.MLWB_CONTAINER_BUILD_ARGS),
    runArgs: words(env.MLWB_CONTAINER_RUN_ARGS),
    env,
  };
}

/** The first engine whose `info` succeeds; a clear error naming what each one said when none does. */
export async function findContainerEngine(env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<ContainerEngine> {
  const wanted = env.MLWB_CONTAINER_ENGINE;
  if (wanted !== undefined && wanted !== '' && wanted !== 'docker' && wanted !== 'podman')
    throw new MlwbError(`MLWB_CONTAINER_ENGINE must be docker or podman, not ${JSON.stringify(wanted)}.`, 'INVALID_ARGUMENT');
  const candidates: EngineName[] = wanted ? [wanted] : ['docker', 'podman'];
  const why: string[] = [];
  for (const name of candidates) {
    const engine = engineFor(name, env);
    const r = await runTool(name, [...engine.global, 'info'], { env, signal, timeoutMs: 30_000 });
    if (r.code === 0) return engine;
    const reason = r.error?.includes('ENOENT')
      ? 'not installed (not on PATH)'
      : lastLines(r.stderr || r.stdout || r.error || `exit ${r.code}`, 2).replace(/\n/g, ' ');
    why.push(`${name}: ${reason}`);
  }
  throw new MlwbError(
    `No working container engine: ${why.join('; ')}. Start the Docker daemon or install Podman (set MLWB_PODMAN_ARGS for hosts that need extra flags).`,
    'NOT_FOUND',
  );
}

/** Arguments for one engine subcommand, with the global flags first. */
export function engineArgs(engine: ContainerEngine, ...args: string[]): string[] {
  return [...engine.global, ...args];
}
