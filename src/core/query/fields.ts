import { FilterSyntaxError } from './syntaxError';
import type { Token } from './lexer';

/** What a filter or order-by identifier refers to. */
export type Field = { entity: 'metric' | 'param' | 'tag'; key: string } | { entity: 'attribute'; key: AttributeName; type: AttributeType; sql: string };

export type AttributeType = 'text' | 'number' | 'time';

export type AttributeName = 'id' | 'name' | 'experiment' | 'experiment_id' | 'status' | 'start_time' | 'end_time' | 'duration' | 'lifecycle';

interface AttributeDef {
  readonly type: AttributeType;
  /** SQL over `runs r JOIN experiments e`. */
  readonly sql: string;
  readonly aliases: readonly string[];
}

/**
 * Run attributes. MLflow's names (run_id, run_name, lifecycle_stage, start_time, end_time,
 * status) and ours (id, name, experiment, duration) are both accepted.
 */
export const ATTRIBUTES: Readonly<Record<AttributeName, AttributeDef>> = {
  id: { type: 'text', sql: 'r.id', aliases: ['run_id'] },
  name: { type: 'text', sql: 'r.name', aliases: ['run_name'] },
  experiment: { type: 'text', sql: 'e.name', aliases: ['experiment_name'] },
  experiment_id: { type: 'number', sql: 'r.experiment_id', aliases: [] },
  status: { type: 'text', sql: 'r.status', aliases: [] },
  start_time: { type: 'time', sql: 'r.start_time', aliases: ['created'] },
  end_time: { type: 'time', sql: 'r.end_time', aliases: [] },
  duration: { type: 'number', sql: '(r.end_time - r.start_time)', aliases: ['duration_ms'] },
  lifecycle: { type: 'text', sql: 'r.lifecycle', aliases: ['lifecycle_stage'] },
};

const ATTRIBUTE_BY_NAME = new Map<string, AttributeName>();
for (const [name, def] of Object.entries(ATTRIBUTES) as [AttributeName, AttributeDef][]) {
  ATTRIBUTE_BY_NAME.set(name, name);
  for (const alias of def.aliases) ATTRIBUTE_BY_NAME.set(alias, name);
}

/** MLflow's entity prefixes, singular and plural. */
const PREFIXES: Record<string, Field['entity']> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

export function resolveField(tok: Extract<Token, { kind: 'ident' }>, src: string): Field {
  let entity: Field['entity'] = 'attribute';
  if (tok.prefix !== undefined) {
    const e = PREFIXES[tok.prefix.toLowerCase()];
    if (!e) {
      throw new FilterSyntaxError(`Unknown field type "${tok.prefix}": use metrics., params., tags. or attributes.`, src, tok.offset, tok.prefix.length);
    }
    entity = e;
  }
  if (entity !== 'attribute') return { entity, key: tok.key };
  const name = ATTRIBUTE_BY_NAME.get(tok.key.toLowerCase());
  if (!name) {
    throw new FilterSyntaxError(
      `Unknown attribute "${tok.key}" (known: ${Object.keys(ATTRIBUTES).join(', ')}; ` + 'metrics, params and tags need their prefix, e.g. metrics.loss)',
      src,
      tok.offset,
      tok.end - tok.offset,
    );
  }
  const def = ATTRIBUTES[name];
  return { entity: 'attribute', key: name, type: def.type, sql: def.sql };
}

const ENTITY_PREFIX: Record<Field['entity'], string> = { metric: 'metrics', param: 'params', tag: 'tags', attribute: 'attributes' };

/**
 * The canonical identifier of a field, usable verbatim in a filter or order-by expression:
 * `metrics.loss`, `` params.`batch size` ``, `status`. The comparison view uses it as column id.
 */
export function fieldId(entity: Field['entity'], key: string): string {
  if (entity === 'attribute') return key;
  const bare = /^[A-Za-z0-9_][A-Za-z0-9_\-./:]*$/.test(key);
  return `${ENTITY_PREFIX[entity]}.${bare ? key : '`' + key.replace(/`/g, '``') + '`'}`;
}
