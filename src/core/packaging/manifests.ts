/**
 * Kubernetes objects for a packaged model: a Deployment and a Service, and the alternative KServe
 * InferenceService whose predictor is our image (it speaks the Open Inference Protocol, KServe's
 * v2 REST protocol, on the container port). Plain objects, rendered to YAML by the caller;
 * test/unit/core/packaging validates them against the Kubernetes schemas offline.
 */
import { CONTAINER_PORT, CONTAINER_UID } from './dockerfile';

export interface ManifestInput {
  readonly name: string;
  readonly model: string;
  readonly version: number;
  readonly image: string;
}

type Obj = Record<string, unknown>;

function labels(m: ManifestInput): Obj {
  return {
    'app.kubernetes.io/name': m.name,
    'app.kubernetes.io/managed-by': 'mlwb',
    'mlwb.io/model': m.model.toLowerCase().replace(/[^a-z0-9._-]/g, '-'),
    'mlwb.io/version': String(m.version),
  };
}

function container(m: ManifestInput, name: string): Obj {
  const probe = (p: string, delay: number): Obj => ({ httpGet: { path: p, port: CONTAINER_PORT }, initialDelaySeconds: delay, periodSeconds: 10 });
  return {
    name,
    image: m.image,
    ports: [{ name: 'http', containerPort: CONTAINER_PORT, protocol: 'TCP' }],
    readinessProbe: probe('/v2/health/ready', 2),
    livenessProbe: probe('/v2/health/live', 10),
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: CONTAINER_UID,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
  };
}

export function deploymentManifest(m: ManifestInput): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: m.name, labels: labels(m) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': m.name } },
      template: { metadata: { labels: labels(m) }, spec: { containers: [container(m, 'model-server')] } },
    },
  };
}

export function serviceManifest(m: ManifestInput): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: m.name, labels: labels(m) },
    spec: {
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': m.name },
      ports: [{ name: 'http', port: 80, targetPort: CONTAINER_PORT, protocol: 'TCP' }],
    },
  };
}

/**
 * KServe v1beta1 with a custom predictor container. `protocolVersion` belongs to KServe's own
 * model runtimes (PredictorExtensionSpec), not to custom containers: ours speaks the v2 (Open
 * Inference) protocol on port 8080, which KServe routes to as it is.
 */
export function inferenceServiceManifest(m: ManifestInput): Obj {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: m.name, labels: labels(m), annotations: { 'serving.kserve.io/enable-prometheus-scraping': 'true' } },
    spec: {
      predictor: {
        containers: [container(m, 'kserve-container')],
      },
    },
  };
}
