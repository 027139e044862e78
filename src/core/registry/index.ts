/**
 * The model registry (docs/registry-log.md). For the model server: `resolveModelRef(mlwbDir, ref)`
 * turns `name`, `name:version` or `name@alias` into `{name, version, path, sha256, signature}`,
 * throwing an MlwbError (code NOT_FOUND or INVALID_ARGUMENT) with a clear message otherwise.
 */
export {
  resolveModelRef,
  type ResolvedModel,
  getModelVersion,
  listModels,
  readModel,
  registerModel,
  setAlias,
  removeAlias,
  setTags,
  setDescription,
  deleteVersion,
  restoreVersion,
  recordDeployment,
  versionsFromRun,
  modelFilePath,
  sampleInputOf,
} from './registry';
export type { ModelVersion, ModelSummary, Signature, TensorSpec, Validation, OipDatatype, DeploymentLink } from './model';
export { parseModelRef, formatModelRef, type ModelRef } from './names';
export { versionJson } from './json';
export { ensureModelCard, modelCardPath, type CardRunInfo } from './card';
export { runArtifactPath } from './runArtifact';
export { processRegisterRequests, pendingRequestIds, type RequestOutcome } from './requests';
