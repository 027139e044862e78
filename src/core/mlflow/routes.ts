import type { Args } from './args';
import type { MlflowContext } from './context';
import * as exp from './experimentsApi';
import * as runs from './runsApi';
import * as metrics from './metricsApi';
import { listProxyArtifacts, listRunArtifacts } from './artifactsApi';
import { logOutputs, loggedModelHandlers as lm, registryHandlers as reg } from './registryApi';

export type JsonHandler = (ctx: MlflowContext, args: Args) => unknown;

/**
 * The JSON endpoints of the MLflow REST API this endpoint serves, by "METHOD path" (the paths the
 * official client builds from MLflow's service protos; /api/2.0 and the /ajax-api alias share them).
 */
export const JSON_ROUTES: Readonly<Record<string, JsonHandler>> = {
  'POST /mlflow/experiments/create': exp.createExperiment,
  'GET /mlflow/experiments/get': exp.getExperiment,
  'GET /mlflow/experiments/get-by-name': exp.getExperimentByName,
  'POST /mlflow/experiments/search': exp.searchExperiments,
  'GET /mlflow/experiments/search': exp.searchExperiments,
  'POST /mlflow/experiments/update': exp.updateExperiment,
  'POST /mlflow/experiments/delete': (c, a) => exp.setExperimentLifecycle(c, a, 'deleted'),
  'POST /mlflow/experiments/restore': (c, a) => exp.setExperimentLifecycle(c, a, 'active'),
  'POST /mlflow/experiments/set-experiment-tag': (c, a) => exp.setExperimentTag(c, a),
  'POST /mlflow/experiments/delete-experiment-tag': (c, a) => exp.setExperimentTag(c, a, true),
  'POST /mlflow/runs/create': runs.createRun,
  'GET /mlflow/runs/get': runs.getRunApi,
  'POST /mlflow/runs/update': runs.updateRun,
  'POST /mlflow/runs/delete': (c, a) => runs.setRunLifecycle(c, a, 'deleted'),
  'POST /mlflow/runs/restore': (c, a) => runs.setRunLifecycle(c, a, 'active'),
  'POST /mlflow/runs/search': runs.searchRuns,
  'POST /mlflow/runs/log-metric': runs.logMetric,
  'POST /mlflow/runs/log-parameter': runs.logParam,
  'POST /mlflow/runs/set-tag': runs.setTag,
  'POST /mlflow/runs/delete-tag': runs.deleteTag,
  'POST /mlflow/runs/log-batch': runs.logBatch,
  'POST /mlflow/runs/log-inputs': runs.logInputs,
  'POST /mlflow/runs/outputs': logOutputs,
  'POST /mlflow/runs/log-model': (c, a) => (c.runState(String(a['run_id'] ?? '')), {}),
  'GET /mlflow/metrics/get-history': metrics.getMetricHistory,
  'GET /mlflow/metrics/get-history-bulk-interval': metrics.getMetricHistoryBulkInterval,
  'GET /mlflow/artifacts/list': listRunArtifacts,
  'GET /mlflow-artifacts/artifacts': listProxyArtifacts,
  'POST /mlflow/registered-models/create': reg.createRegisteredModel,
  'GET /mlflow/registered-models/get': reg.getRegisteredModel,
  'PATCH /mlflow/registered-models/update': reg.updateRegisteredModel,
  'POST /mlflow/registered-models/rename': reg.renameRegisteredModel,
  'DELETE /mlflow/registered-models/delete': reg.deleteRegisteredModel,
  'GET /mlflow/registered-models/search': reg.searchRegisteredModels,
  'POST /mlflow/registered-models/get-latest-versions': reg.getLatestVersions,
  'POST /mlflow/registered-models/set-tag': (c, a) => reg.setRegisteredModelTag(c, a),
  'DELETE /mlflow/registered-models/delete-tag': (c, a) => reg.setRegisteredModelTag(c, a, true),
  'POST /mlflow/registered-models/alias': reg.setAlias,
  'DELETE /mlflow/registered-models/alias': reg.deleteAlias,
  'GET /mlflow/registered-models/alias': reg.getVersionByAlias,
  'POST /mlflow/model-versions/create': reg.createModelVersion,
  'GET /mlflow/model-versions/get': reg.getModelVersion,
  'PATCH /mlflow/model-versions/update': reg.updateModelVersion,
  'DELETE /mlflow/model-versions/delete': reg.deleteModelVersion,
  'GET /mlflow/model-versions/search': reg.searchModelVersions,
  'GET /mlflow/model-versions/get-download-uri': reg.getModelVersionDownloadUri,
  'POST /mlflow/model-versions/set-tag': (c, a) => reg.setModelVersionTag(c, a),
  'DELETE /mlflow/model-versions/delete-tag': (c, a) => reg.setModelVersionTag(c, a, true),
  'POST /mlflow/logged-models': lm.create,
  'POST /mlflow/logged-models/search': lm.search,
};

/** Logged-model routes carry the id in the path: `/mlflow/logged-models/{model_id}[/tags|/params]`. */
export function loggedModelRoute(method: string, p: string): { handler: JsonHandler; modelId: string } | undefined {
  const m = /^\/mlflow\/logged-models\/(m-[0-9a-f]+)(\/tags|\/params)?$/.exec(p);
  if (!m) return undefined;
  const sub = m[2] ?? '';
  const handler =
    sub === '' && method === 'GET'
      ? lm.get
      : sub === '' && method === 'PATCH'
        ? lm.finalize
        : sub === '/tags' && method === 'PATCH'
          ? lm.setTags
          : sub === '/params' && method === 'POST'
            ? lm.logParams
            : undefined;
  return handler ? { handler, modelId: m[1]! } : undefined;
}
