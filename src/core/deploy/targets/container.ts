/**
 * The `container` deploy target: package the model (src/core/packaging), build an image with
 * Docker or Podman, run it with the server's port mapped to loopback only, and resolve once it is
 * ready. Every deployment gets its own container name and image tag (`mlwb-<id>`,
 * `localhost/mlwb/<model>:<version>-<id>`), so stopping or a failed start removes exactly what
 * this deployment made; layers stay shared through the engine's cache.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MlwbError } from '../../errors';
import { CONTAINER_PORT, packageModel, packagePlatform } from '../../packaging';
import type { DeploymentRecord } from '../deployment';
import type { DeployRequest, DeployTarget, StartedDeployment, TargetContext } from '../target';
import { type ContainerEngine, engineArgs, engineFor, findContainerEngine, type EngineName } from './containerEngine';
import { waitForReady } from './readiness';
import { lastLines, runTool, toolLines } from './toolProcess';

export interface ContainerHandle {
  readonly engine: EngineName;
  readonly container: string;
  readonly image: string;
  readonly port: number;
  readonly image_size_bytes?: number;
}

/** Options (Deploy… prompt, CLI `--option k=v`, mlwb.yaml): baseImage, platform, readyTimeoutSeconds. */
function option(req: DeployRequest, key: string): string | undefined {
  const v = req.options[key];
  return v === undefined || v === '' ? undefined : v;
}

/** Fails early and clearly when the requested host port is taken (the engine's own error is cryptic). */
async function checkPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new MlwbError(
          e.code === 'EADDRINUSE' ? `Port ${port} on 127.0.0.1 is already in use; choose another port.` : `Port ${port}: ${e.message}`,
          'INVALID_ARGUMENT',
        ),
      ),
    );
    s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const tagSafe = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '') || 'x';

export interface ContainerTargetDeps {
  /** Environment for the engine (defaults to process.env at call time). */
  readonly env?: () => NodeJS.ProcessEnv;
}

export function createContainerTarget(deps: ContainerTargetDeps = {}): DeployTarget {
  const envOf = () => deps.env?.() ?? process.env;

  async function remove(engine: ContainerEngine, container: string | undefined, image: string | undefined, ctx: TargetContext): Promise<void> {
    if (container) {
      const r = await runTool(engine.name, engineArgs(engine, 'rm', '-f', container), { env: engine.env, timeoutMs: 60_000 });
      if (r.code !== 0 && !/no such container|no container with name/i.test(r.stderr))
        ctx.log(`could not remove container ${container}: ${lastLines(r.stderr, 2)}`);
    }
    if (image) {
      const r = await runTool(engine.name, engineArgs(engine, 'rmi', image), { env: engine.env, timeoutMs: 60_000 });
      if (r.code !== 0 && !/no such image|image not known|not found/i.test(r.stderr)) ctx.log(`could not remove image ${image}: ${lastLines(r.stderr, 2)}`);
    }
  }

  async function deploy(req: DeployRequest, ctx: TargetContext): Promise<StartedDeployment> {
    const engine = await findContainerEngine(envOf(), ctx.signal);
    ctx.log(`container engine: ${engine.name}`);
    if (req.port !== undefined) await checkPortFree(req.port);
    const platform = packagePlatform(option(req, 'platform'));
    const image = `localhost/mlwb/${tagSafe(req.model.name)}:${req.model.version}-${tagSafe(req.id)}`;
    const container = `mlwb-${tagSafe(req.id)}`;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-image-'));
    let built = false;
    let started = false;
    try {
      const pkg = await packageModel(ctx.mlwbRoot, `${req.model.name}:${req.model.version}`, path.join(work, 'context'), {
        platform,
        image,
        log: ctx.log,
        signal: ctx.signal,
      });
      ctx.log(`build context: ${pkg.sizeBytes} bytes`);
      const baseImage = option(req, 'baseImage');
      const build = await runTool(
        engine.name,
        engineArgs(
          engine,
          'build',
          ...(engine.name === 'podman' ? ['--format', 'docker'] : []), // OCI images drop HEALTHCHECK
          ...engine.buildArgs,
          ...(baseImage ? ['--build-arg', `BASE_IMAGE=${baseImage}`] : []),
          '--label',
          `io.mlwb.deployment=${req.id}`,
          '-t',
          image,
          pkg.dir,
        ),
        { env: engine.env, signal: ctx.signal, onLine: ctx.log },
      );
      built = true; // a failed build may still have tagged nothing; removing a missing tag is harmless
      if (ctx.signal?.aborted) throw new MlwbError('Deploying was cancelled; the image build was stopped.', 'CANCELLED');
      if (build.code !== 0)
        throw new MlwbError(`${engine.name} build failed (exit ${build.code}):\n${lastLines(build.stdout + build.stderr)}`, 'INVALID_ARGUMENT');
      const size = await imageSize(engine, image);
      if (size !== undefined) ctx.log(`image ${image}: ${size} bytes`);

      const port = req.port ?? (await freePort());
      const run = await runTool(
        engine.name,
        engineArgs(
          engine,
          'run',
          '-d',
          '--name',
          container,
          ...engine.runArgs,
          '--label',
          `io.mlwb.deployment=${req.id}`,
          '-p',
          `127.0.0.1:${port}:${CONTAINER_PORT}`,
          image,
        ),
        { env: engine.env, signal: ctx.signal, onLine: ctx.log },
      );
      started = true;
      if (run.code !== 0) throw new MlwbError(`${engine.name} run failed (exit ${run.code}):\n${lastLines(run.stderr || run.stdout)}`, 'INVALID_ARGUMENT');
      const url = `http://127.0.0.1:${port}`;
      ctx.log(`container ${container} started; waiting for ${url}/v2/health/ready`);
      await waitForReady(url, {
        timeoutMs: Number(option(req, 'readyTimeoutSeconds') ?? 120) * 1000,
        signal: ctx.signal,
        check: () => exitedReason(engine, container),
      });
      const handle: ContainerHandle = { engine: engine.name, container, image, port, ...(size !== undefined ? { image_size_bytes: size } : {}) };
      return { url, handle: { ...handle } };
    } catch (e) {
      // The contract: nothing left running. Keep the container's last words in the reason first.
      if (started && e instanceof MlwbError && !/exited/.test(e.message)) {
        const logs = await runTool(engine.name, engineArgs(engine, 'logs', '--tail', '20', container), { env: engine.env, timeoutMs: 15_000 });
        const tail = lastLines(logs.stdout + logs.stderr, 8);
        if (tail) e.message = `${e.message}\nContainer log:\n${tail}`;
      }
      await remove(engine, started ? container : undefined, built ? image : undefined, ctx);
      throw e;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  async function imageSize(engine: ContainerEngine, image: string): Promise<number | undefined> {
    const r = await runTool(engine.name, engineArgs(engine, 'image', 'inspect', '--format', '{{.Size}}', image), { env: engine.env, timeoutMs: 30_000 });
    const n = Number(r.stdout.trim());
    return r.code === 0 && Number.isFinite(n) ? n : undefined;
  }

  /** Why the container can no longer become ready (it exited), with its last log lines. */
  async function exitedReason(engine: ContainerEngine, container: string): Promise<string | undefined> {
    const r = await runTool(engine.name, engineArgs(engine, 'inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', container), {
      env: engine.env,
      timeoutMs: 15_000,
    });
    const [status, code] = r.stdout.trim().split(' ');
    if (r.code !== 0 || (status !== 'exited' && status !== 'dead')) return undefined;
    const logs = await runTool(engine.name, engineArgs(engine, 'logs', '--tail', '20', container), { env: engine.env, timeoutMs: 15_000 });
    return `The container exited (code ${code}) before it was ready:\n${lastLines(logs.stdout + logs.stderr, 8)}`;
  }

  function handleOf(rec: DeploymentRecord): ContainerHandle {
    const h = rec.handle as Partial<ContainerHandle> | undefined;
    if (!h || (h.engine !== 'docker' && h.engine !== 'podman') || typeof h.container !== 'string')
      throw new MlwbError(`Deployment ${rec.id} has no container recorded; nothing to act on.`, 'NOT_FOUND');
    return h as ContainerHandle;
  }

  return {
    kind: 'container',
    deploy,
    async stop(rec, ctx) {
      const h = handleOf(rec);
      const engine = engineFor(h.engine, envOf());
      // A graceful stop lets the server drain in-flight requests; then remove what this deployment made.
      await runTool(engine.name, engineArgs(engine, 'stop', '--time', '10', h.container), { env: engine.env, timeoutMs: 60_000 });
      await remove(engine, h.container, h.image, ctx);
    },
    logs(rec, ctx, follow) {
      const h = handleOf(rec);
      const engine = engineFor(h.engine, envOf());
      return toolLines(engine.name, engineArgs(engine, 'logs', ...(follow ? ['--follow'] : []), h.container), { env: engine.env, signal: ctx.signal });
    },
  };
}

export const containerTarget: DeployTarget = createContainerTarget();
