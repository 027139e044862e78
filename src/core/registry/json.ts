import type { ModelVersion } from './model';

/** The `models show --json` shape (docs/cli.md): the contract other tools rely on. */
export function versionJson(v: ModelVersion): Record<string, unknown> {
  return {
    name: v.name,
    version: v.version,
    aliases: v.aliases,
    tags: v.tags,
    description: v.description,
    created_at: v.created_at,
    run_id: v.run_id,
    source: v.source,
    sha256: v.sha256,
    size_bytes: v.size_bytes,
    format: v.format,
    signature: v.signature,
    validation: v.validation,
    metadata: v.metadata,
    files: v.files,
    deleted: v.deleted,
    deployments: v.deployments,
  };
}
