import type { RegistryEvent, VersionEvent } from './log';
import type { DeploymentLink, ModelVersion, RegisteredModel } from './model';

export interface FoldedModel extends RegisteredModel {
  /** For every `version` event id: the version it created, or the earlier version it duplicated. */
  readonly byEventId: ReadonlyMap<string, { version: number; duplicate: boolean }>;
}

interface Mutable {
  event: VersionEvent;
  version: number;
  aliases: string[];
  tags: Record<string, string>;
  description: string;
  deleted: boolean;
  deployments: Map<string, DeploymentLink>;
}

/**
 * Folds a model's events into its state. Rules every reader must share (docs/registry-log.md):
 * the n-th `version` line whose stored object is new to this model is version n; a `version` line
 * whose object an earlier version already has is a duplicate and creates nothing; edits naming a
 * version that does not exist are ignored; an alias names one version at a time (moving it takes it
 * from the old one), and deleting a version drops the aliases that named it.
 */
export function foldModelLog(name: string, events: readonly RegistryEvent[]): FoldedModel {
  const versions: Mutable[] = [];
  const byObject = new Map<string, number>();
  const byEventId = new Map<string, { version: number; duplicate: boolean }>();
  const aliases = new Map<string, number>();
  const get = (v: number): Mutable | undefined => versions[v - 1];

  for (const e of events) {
    switch (e.type) {
      case 'version': {
        const existing = byObject.get(e.object);
        if (existing !== undefined) {
          byEventId.set(e.id, { version: existing, duplicate: true });
          break;
        }
        const version = versions.length + 1;
        versions.push({
          event: e,
          version,
          aliases: [],
          tags: { ...(e.tags ?? {}) },
          description: e.description ?? '',
          deleted: false,
          deployments: new Map(),
        });
        byObject.set(e.object, version);
        byEventId.set(e.id, { version, duplicate: false });
        break;
      }
      case 'alias': {
        if (e.version === null) aliases.delete(e.alias);
        else if (get(e.version) && !get(e.version)!.deleted) aliases.set(e.alias, e.version);
        break;
      }
      case 'tags': {
        const m = get(e.version);
        if (!m) break;
        for (const k of e.remove ?? []) delete m.tags[k];
        Object.assign(m.tags, e.set ?? {});
        break;
      }
      case 'description': {
        const m = get(e.version);
        if (m && typeof e.description === 'string') m.description = e.description;
        break;
      }
      case 'delete':
      case 'restore': {
        const m = get(e.version);
        if (!m) break;
        m.deleted = e.type === 'delete';
        if (m.deleted) for (const [a, v] of aliases) if (v === e.version) aliases.delete(a);
        break;
      }
      case 'deployment': {
        const m = get(e.version);
        if (m && e.deployment && typeof e.deployment.id === 'string') m.deployments.set(e.deployment.id, e.deployment);
        break;
      }
      default:
        break; // a newer writer's event type: skipped, as the format requires
    }
  }
  for (const [alias, v] of aliases) get(v)!.aliases.push(alias);
  return {
    name,
    versions: versions.map((m) => toVersion(name, m)),
    aliases: Object.fromEntries([...aliases].sort(([a], [b]) => a.localeCompare(b))),
    byEventId,
  };
}

function toVersion(name: string, m: Mutable): ModelVersion {
  const e = m.event;
  return {
    name,
    version: m.version,
    aliases: [...m.aliases].sort(),
    tags: m.tags,
    description: m.description,
    created_at: new Date(e.ts).toISOString(),
    run_id: e.run_id ?? null,
    source: e.source ?? '',
    sha256: e.sha256,
    size_bytes: e.size_bytes,
    format: 'onnx',
    signature: e.signature ?? { inputs: [], outputs: [] },
    validation: e.validation ?? { status: 'failed', message: 'no validation recorded', latency_ms: null, input: null },
    metadata: e.metadata,
    files: e.files ?? [],
    object: e.object,
    sample_input: e.sample_input ?? null,
    deleted: m.deleted,
    deployments: [...m.deployments.values()],
  };
}
