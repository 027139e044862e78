/**
 * The `kubernetes` deploy target: `kubectl apply` a Deployment + Service (or, with option
 * `kserve=true`, a KServe InferenceService) for an image the cluster can pull, to the current
 * context and namespace (or options `context`, `namespace`), then wait for the rollout. The pods'
 * readiness probe is the server's `/v2/health/ready`, so a finished rollout is the contract's
 * "ready". kubectl's own words are the error messages; on failure what was applied is deleted.
 *
 * Options: image (required: a reference the cluster can pull, e.g. pushed after `mlwb package`),
 * kserve, namespace, context, timeoutSeconds (default 300), url (how clients reach it, e.g. an
 * ingress; default the in-cluster Service URL or the InferenceService's status.url).
 * `MLWB_KUBECTL` names the kubectl binary (default `kubectl` on PATH).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { MlwbError } from '../../errors';
import { deploymentManifest, inferenceServiceManifest, serviceManifest } from '../../packaging/manifests';
import type { DeploymentRecord } from '../deployment';
import type { DeployRequest, DeployTarget, StartedDeployment, TargetContext } from '../target';
import { lastLines, runTool, toolLines } from './toolProcess';

export interface KubernetesHandle {
  readonly name: string;
  readonly kserve: boolean;
  readonly namespace: string | null;
  readonly context: string | null;
  /** `kind/name` of every object applied, for stop. */
  readonly objects: readonly string[];
}

/** A DNS-1123 label from the deployment id: unique per deployment, so stop deletes only its own objects. */
export function kubeObjectName(deploymentId: string): string {
  const n = `mlwb-${deploymentId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
  return n.slice(0, 45).replace(/-+$/, '');
}

export interface KubernetesTargetDeps {
  readonly env?: () => NodeJS.ProcessEnv;
}

export function createKubernetesTarget(deps: KubernetesTargetDeps = {}): DeployTarget {
  const envOf = () => deps.env?.() ?? process.env;
  const kubectl = (env: NodeJS.ProcessEnv) => env.MLWB_KUBECTL || 'kubectl';
  const scope = (h: { namespace: string | null; context: string | null }) => [
    ...(h.context ? ['--context', h.context] : []),
    ...(h.namespace ? ['--namespace', h.namespace] : []),
  ];

  async function kube(env: NodeJS.ProcessEnv, args: string[], ctx: TargetContext, timeoutMs = 120_000) {
    ctx.log(`$ kubectl ${args.join(' ')}`);
    const r = await runTool(kubectl(env), args, { env, signal: ctx.signal, timeoutMs, onLine: ctx.log });
    if (r.code === -1 && r.error?.includes('ENOENT'))
      throw new MlwbError(`kubectl was not found (${kubectl(env)}); install it or set MLWB_KUBECTL to its path.`, 'NOT_FOUND');
    return r;
  }

  async function deploy(req: DeployRequest, ctx: TargetContext): Promise<StartedDeployment> {
    const env = envOf();
    const image = req.options.image;
    if (!image)
      throw new MlwbError(
        'The kubernetes target needs option image=<reference your cluster can pull>: package the model (mlwb package), build and push the image, then deploy with that reference.',
        'INVALID_ARGUMENT',
      );
    const kserve = req.options.kserve === 'true';
    const timeoutS = Number(req.options.timeoutSeconds ?? 300);
    if (!Number.isInteger(timeoutS) || timeoutS <= 0)
      throw new MlwbError(`timeoutSeconds must be a positive integer, not ${req.options.timeoutSeconds}.`, 'INVALID_ARGUMENT');
    const name = kubeObjectName(req.id);
    const m = { name, model: req.model.name, version: req.model.version, image };
    const objects = kserve ? [inferenceServiceManifest(m)] : [deploymentManifest(m), serviceManifest(m)];
    const handle: KubernetesHandle = {
      name,
      kserve,
      namespace: req.options.namespace || null,
      context: req.options.context || null,
      objects: kserve ? [`inferenceservice/${name}`] : [`deployment/${name}`, `service/${name}`],
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-kube-'));
    const file = path.join(dir, 'manifests.yaml');
    fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
    let applied = false;
    try {
      const apply = await kube(env, [...scope(handle), 'apply', '-f', file], ctx);
      if (apply.code !== 0) throw new MlwbError(`kubectl apply failed:\n${lastLines(apply.stderr || apply.stdout, 12)}`, 'INVALID_ARGUMENT');
      applied = true;
      const wait = kserve
        ? await kube(
            env,
            [...scope(handle), 'wait', '--for=condition=Ready', `inferenceservice/${name}`, `--timeout=${timeoutS}s`],
            ctx,
            (timeoutS + 30) * 1000,
          )
        : await kube(env, [...scope(handle), 'rollout', 'status', `deployment/${name}`, `--timeout=${timeoutS}s`], ctx, (timeoutS + 30) * 1000);
      if (ctx.signal?.aborted) throw new MlwbError('Deploying was cancelled; the applied objects were deleted.', 'CANCELLED');
      if (wait.code !== 0)
        throw new MlwbError(`${kserve ? 'kubectl wait' : 'kubectl rollout status'} failed:\n${lastLines(wait.stderr || wait.stdout, 12)}`, 'INVALID_ARGUMENT');
      return { url: req.options.url || (await clusterUrl(env, handle, ctx)), handle: { ...handle } };
    } catch (e) {
      if (applied) await remove(env, handle, { ...ctx, signal: undefined });
      throw e;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  async function clusterUrl(env: NodeJS.ProcessEnv, h: KubernetesHandle, ctx: TargetContext): Promise<string> {
    if (h.kserve) {
      const r = await kube(env, [...scope(h), 'get', `inferenceservice/${h.name}`, '-o', 'jsonpath={.status.url}'], ctx);
      if (r.code === 0 && r.stdout.trim()) return r.stdout.trim();
    }
    let ns = h.namespace;
    if (!ns) {
      const r = await kube(env, [...(h.context ? ['--context', h.context] : []), 'config', 'view', '--minify', '-o', 'jsonpath={..namespace}'], ctx);
      ns = (r.code === 0 && r.stdout.trim()) || 'default';
    }
    return `http://${h.name}.${ns}.svc.cluster.local`;
  }

  async function remove(env: NodeJS.ProcessEnv, h: KubernetesHandle, ctx: TargetContext): Promise<string> {
    const r = await kube(env, [...scope(h), 'delete', ...h.objects, '--ignore-not-found', '--wait=false'], ctx);
    return r.code === 0 ? '' : lastLines(r.stderr || r.stdout, 6);
  }

  function handleOf(rec: DeploymentRecord): KubernetesHandle {
    const h = rec.handle as Partial<KubernetesHandle> | undefined;
    if (!h || typeof h.name !== 'string' || !Array.isArray(h.objects))
      throw new MlwbError(`Deployment ${rec.id} has no Kubernetes objects recorded.`, 'NOT_FOUND');
    return h as KubernetesHandle;
  }

  return {
    kind: 'kubernetes',
    deploy,
    async stop(rec, ctx) {
      const problem = await remove(envOf(), handleOf(rec), ctx);
      if (problem) throw new MlwbError(`kubectl delete failed:\n${problem}`, 'INVALID_ARGUMENT');
    },
    logs(rec, ctx, follow) {
      const h = handleOf(rec);
      const env = envOf();
      const which = h.kserve ? ['-l', `serving.kserve.io/inferenceservice=${h.name}`, '-c', 'kserve-container'] : [`deployment/${h.name}`];
      return toolLines(kubectl(env), [...scope(h), 'logs', ...which, ...(follow ? ['--follow'] : []), '--tail=-1'], { env, signal: ctx.signal });
    },
  };
}

export const kubernetesTarget: DeployTarget = createKubernetesTarget();
