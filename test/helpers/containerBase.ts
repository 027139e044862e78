/**
 * A container engine and a local base image with Node for the real container tests. No image
 * registry is reachable on the project's machines, so the base is made here: a minimal Debian
 * root filesystem from Debian's archive (mmdebstrap, cached as a tar) imported into the engine,
 * plus the official Node 22 binary the test tooling already fetches from the npm registry.
 * Both images are cached in the engine under localhost/mlwb-test/…; the first run takes ~1 min.
 *
 * Podman on hosts where its default runtime fails (crun under cgroups v1, RECIPES.md "Containers")
 * gets its flags through the product's own knobs (MLWB_PODMAN_ARGS, MLWB_CONTAINER_*_ARGS).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findContainerEngine, engineArgs, type ContainerEngine } from '../../src/core/deploy/targets/containerEngine';
import { REPO_ROOT } from './dist';

export const TEST_BASE_IMAGE = 'localhost/mlwb-test/node:22';
const DEBIAN_IMAGE = 'localhost/mlwb-test/debian:bookworm-min';

const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<Record<string, unknown>>;

/** The environment the tests give the product: runc + cgroupfs flags for Podman when runc is installed. */
export function containerTestEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (!env.MLWB_PODMAN_ARGS && fs.existsSync('/usr/sbin/runc')) env.MLWB_PODMAN_ARGS = '--runtime /usr/sbin/runc --cgroup-manager cgroupfs';
  const limits = '--ulimit nproc=4096:4096 --ulimit nofile=4096:4096';
  env.MLWB_CONTAINER_BUILD_ARGS ??= limits;
  env.MLWB_CONTAINER_RUN_ARGS ??= limits;
  return env;
}

function cacheDir(): string {
  return path.join(process.env.MLWB_CACHE || path.join(os.homedir(), '.cache', 'ml-workbench'), 'containers');
}

function engineRun(engine: ContainerEngine, args: string[], timeout = 300_000): string {
  return execFileSync(engine.name, engineArgs(engine, ...args), { env: engine.env, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
}

const imageExists = (engine: ContainerEngine, image: string) =>
  spawnSync(engine.name, engineArgs(engine, 'image', 'inspect', image), { env: engine.env, stdio: 'ignore' }).status === 0;

/**
 * The engine and base image, or a reason to skip (no engine, or no mmdebstrap to make a base
 * image without a registry). Install them with: apt-get install -y podman runc mmdebstrap.
 */
export async function containerTestSetup(): Promise<{ engine: ContainerEngine; baseImage: string } | { skip: string }> {
  let engine: ContainerEngine;
  try {
    engine = await findContainerEngine(containerTestEnv());
  } catch (e) {
    return { skip: `${(e as Error).message} (apt-get install -y podman runc mmdebstrap)` };
  }
  if (!imageExists(engine, TEST_BASE_IMAGE)) {
    if (!imageExists(engine, DEBIAN_IMAGE)) {
      const tar = path.join(cacheDir(), 'bookworm-minbase.tar');
      if (!fs.existsSync(tar)) {
        if (spawnSync('mmdebstrap', ['--version'], { stdio: 'ignore' }).status !== 0)
          return { skip: 'mmdebstrap is not installed (apt-get install -y mmdebstrap)' };
        fs.mkdirSync(path.dirname(tar), { recursive: true });
        execFileSync('mmdebstrap', ['--variant=minbase', '--format=tar', 'bookworm', `${tar}.part`], { stdio: 'ignore', timeout: 600_000 });
        fs.renameSync(`${tar}.part`, tar);
      }
      engineRun(engine, ['import', tar, DEBIAN_IMAGE]);
    }
    const { ensureNode } = (await importEsm(path.join(REPO_ROOT, 'scripts', 'lib', 'node-runtime.mjs'))) as {
      ensureNode: (v: string, o?: object) => Promise<{ bin: string }>;
    };
    const node = await ensureNode('22.23.3', { log: () => undefined });
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-base-'));
    try {
      fs.copyFileSync(node.bin, path.join(ctx, 'node'));
      fs.writeFileSync(
        path.join(ctx, 'Dockerfile'),
        `FROM ${DEBIAN_IMAGE}\nCOPY node /usr/local/bin/node\nRUN chmod 755 /usr/local/bin/node && node --version\n`,
      );
      engineRun(engine, ['build', ...engine.buildArgs, '-t', TEST_BASE_IMAGE, ctx]);
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  }
  return { engine, baseImage: TEST_BASE_IMAGE };
}

/** Names of containers (any state) and image references whose name matches, for "nothing left" checks. */
export function leftovers(engine: ContainerEngine, match: string): { containers: string[]; images: string[] } {
  const containers = engineRun(engine, ['ps', '-a', '--format', '{{.Names}}'], 60_000)
    .split('\n')
    .filter((n) => n.includes(match));
  const images = engineRun(engine, ['images', '--format', '{{.Repository}}:{{.Tag}}'], 60_000)
    .split('\n')
    .filter((n) => n.includes(match));
  return { containers, images };
}
