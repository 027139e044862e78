/**
 * Offline validation against the official Kubernetes OpenAPI schemas, as compiled into the npm
 * package `kubernetes-models` (pinned in devDependencies). It is ESM-only with an `import`-only
 * export map, so it is loaded with a real dynamic import (TypeScript would turn `import()` into
 * `require()` under our CommonJS output).
 */
type Validatable = { validate(): void };
type ModelClass = new (data: Record<string, unknown>) => Validatable;

const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<Record<string, unknown>>;

const MODULES: Record<string, string> = {
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'v1/Service': 'kubernetes-models/v1/Service',
};

/** Throws the schema's message when `obj` (a Deployment or Service) does not validate. */
export async function validateKubeObject(obj: Record<string, unknown>): Promise<void> {
  const key = `${String(obj.apiVersion)}/${String(obj.kind)}`;
  const spec = MODULES[key];
  if (!spec) throw new Error(`no schema here for ${key}`);
  const mod = await importEsm(spec);
  const Model = mod[String(obj.kind)] as ModelClass;
  new Model(obj).validate();
}
