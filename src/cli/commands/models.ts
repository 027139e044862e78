import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { MlwbError } from '../../core/errors';
import { ensureWorkspace, resolveWorkspaceDirForWrite } from '../../core/workspace';
import {
  deleteVersion,
  ensureModelCard,
  getModelVersion,
  listModels,
  parseModelRef,
  readModel,
  registerModel,
  removeAlias,
  processRegisterRequests,
  restoreVersion,
  runArtifactPath,
  setAlias,
  setDescription,
  setTags,
  versionJson,
  type ModelVersion,
} from '../../core/registry';
import { checkVersion } from '../../core/registry/names';
import { runLineage } from '../../core/registry/lineage';
import { validateOnnx } from '../../core/registry/validate';
import { type CliContext, findPaths, withCurrentStore } from '../context';
import { type Output, formatTable } from '../output';
import { formatBytes } from '../../shared/format';

/** `mlwb models …`: the model registry (docs/cli.md, docs/registry-log.md). */
export function modelsCommand(ctx: CliContext, out: Output): Command {
  const cmd = new Command('models').description('the model registry: ONNX model versions, aliases, tags and model cards');
  // Models logged from Python (`run.log_model`) wait as requests until something with onnxruntime
  // validates them: the VS Code backend does it live, and every `mlwb models` command catches up first.
  cmd.hook('preAction', async () => {
    const paths = findPaths(ctx);
    if (!paths || !fs.existsSync(paths.root)) return;
    for (const o of await processRegisterRequests(paths.root, validateOnnx)) {
      if (o.error) out.error(`mlwb: could not register ${o.name || 'a model'} logged by a run (request ${o.id}): ${o.error}`);
    }
  });

  cmd
    .command('register <path>')
    .description('validate an ONNX file with onnxruntime and register it as the next version of a model')
    .requiredOption('--name <name>', 'model name')
    .option('--run <id>', "the run that produced it (lineage); with --artifact, <path> is that run's artifact path")
    .option('--artifact', "<path> is an artifact path inside the --run run's artifacts folder")
    .option('--alias <alias>', 'point this alias (e.g. champion) at the new version')
    .option('--sample-input <file>', 'an Open Inference Protocol request body {"inputs": [...]} for the smoke inference')
    .option('--description <text>', 'description of the version')
    .option('--tag <key=value...>', 'tags of the version')
    .option('--json', 'print the version as JSON')
    .action(
      async (
        target: string,
        opts: { name: string; run?: string; artifact?: boolean; alias?: string; sampleInput?: string; description?: string; tag?: string[]; json?: boolean },
      ) => {
        const root = ensureWorkspace(resolveWorkspaceDirForWrite(ctx.cwd, ctx.env)).root;
        if (opts.artifact && !opts.run) throw new MlwbError('--artifact needs --run <id>.', 'INVALID_ARGUMENT');
        const file = opts.artifact ? runArtifactPath(path.join(root, 'runs'), opts.run!, target) : path.resolve(ctx.cwd, target);
        const sampleInput = opts.sampleInput !== undefined ? readJson(path.resolve(ctx.cwd, opts.sampleInput)) : undefined;
        const progress = progressPrinter(out);
        const abort = new AbortController();
        const onSigint = () => abort.abort();
        process.once('SIGINT', onSigint);
        try {
          const r = await registerModel(root, {
            name: opts.name,
            file,
            runId: opts.run ?? null,
            source: opts.artifact ? `run:${opts.run}/${target}` : file,
            alias: opts.alias,
            description: opts.description,
            tags: parseTags(opts.tag ?? []),
            sampleInput,
            validate: validateOnnx,
            onProgress: progress,
            signal: abort.signal,
          });
          progress.done();
          if (opts.json) return out.json({ ...versionJson(r.version), duplicate: r.duplicate });
          const v = r.version;
          out.line(
            r.duplicate
              ? `Already registered: these bytes are ${v.name}:${v.version}${v.deleted ? ' (deleted; `mlwb models restore` brings it back)' : ''}; nothing was copied.`
              : `Registered ${v.name}:${v.version}${v.aliases.length ? ` (${v.aliases.map((a) => '@' + a).join(', ')})` : ''} — ${v.validation.message}.`,
          );
        } finally {
          progress.done();
          process.removeListener('SIGINT', onSigint);
        }
      },
    );

  cmd
    .command('list')
    .description('list registered models')
    .option('--json', 'print a JSON array of {name, latest_version, versions, aliases}')
    .action((opts: { json?: boolean }) => {
      const paths = findPaths(ctx);
      const list = paths && fs.existsSync(paths.root) ? listModels(paths.root) : [];
      if (opts.json) return out.json(list);
      if (!list.length) return out.line('No registered models yet. Register one with `mlwb models register model.onnx --name NAME`.');
      out.line(
        formatTable(
          ['NAME', 'LATEST', 'VERSIONS', 'ALIASES'],
          list.map((m) => [
            m.name,
            String(m.latest_version ?? ''),
            String(m.versions),
            Object.entries(m.aliases)
              .map(([a, v]) => `${a}→${v}`)
              .join(', '),
          ]),
        ),
      );
    });

  cmd
    .command('show <ref>')
    .description('show one version: <name> (latest), <name>:<version> or <name>@<alias>')
    .option('--json', 'print the version as JSON')
    .option('--versions', 'list every version of the model instead (deleted ones marked)')
    .action((ref: string, opts: { json?: boolean; versions?: boolean }) => {
      const root = existingRoot(ctx);
      if (opts.versions) {
        const model = readModel(root, parseModelRef(ref).name);
        if (!model.versions.length) throw new MlwbError(`No model named "${model.name}" in the registry.`, 'NOT_FOUND');
        if (opts.json) return out.json(model.versions.map(versionJson));
        return out.line(
          formatTable(
            ['VERSION', 'ALIASES', 'CREATED', 'RUN', 'VALIDATION', 'SIZE', 'STATE'],
            model.versions.map((v) => [
              String(v.version),
              v.aliases.join(', '),
              v.created_at,
              v.run_id ?? '',
              v.validation.status,
              formatBytes(v.size_bytes),
              v.deleted ? 'deleted' : '',
            ]),
          ),
        );
      }
      const v = getModelVersion(root, ref);
      if (opts.json) return out.json(versionJson(v));
      printVersion(out, v);
    });

  cmd
    .command('alias <name> <version> <alias>')
    .description('point an alias (champion, staging, …) at a version; it moves from the version that had it')
    .option('--remove', 'remove the alias instead (<version> is ignored)')
    .action((name: string, version: string, alias: string, opts: { remove?: boolean }) => {
      const root = existingRoot(ctx);
      if (opts.remove) {
        removeAlias(root, name, alias);
        return out.line(`Removed ${name}@${alias}.`);
      }
      setAlias(root, name, checkVersion(version), alias);
      out.line(`${name}@${alias} → version ${version}.`);
    });

  cmd
    .command('delete <ref>')
    .description('delete a version (recoverable with `mlwb models restore`); its aliases are removed')
    .action((ref: string) => {
      const root = existingRoot(ctx);
      const v = getModelVersion(root, ref);
      deleteVersion(root, v.name, v.version);
      out.line(`Deleted ${v.name}:${v.version}. Restore it with: mlwb models restore ${v.name}:${v.version}`);
    });

  cmd
    .command('restore <ref>')
    .description('restore a deleted version (<name>:<version>)')
    .action((ref: string) => {
      const root = existingRoot(ctx);
      const r = parseModelRef(ref);
      if (r.kind !== 'version') throw new MlwbError('Name the version to restore: <name>:<version>.', 'INVALID_ARGUMENT');
      restoreVersion(root, r.name, r.version);
      out.line(`Restored ${r.name}:${r.version}.`);
    });

  cmd
    .command('tag <ref> <key=value...>')
    .description('set tags on a version (an empty value, key=, removes the tag)')
    .action((ref: string, pairs: string[]) => {
      const root = existingRoot(ctx);
      const v = getModelVersion(root, ref);
      const all = parseTags(pairs);
      const remove = Object.keys(all).filter((k) => all[k] === '');
      const set = Object.fromEntries(Object.entries(all).filter(([, val]) => val !== ''));
      setTags(root, v.name, v.version, set, remove);
      out.line(`Tagged ${v.name}:${v.version}.`);
    });

  cmd
    .command('describe <ref> <text>')
    .description('set the description of a version')
    .action((ref: string, text: string) => {
      const root = existingRoot(ctx);
      const v = getModelVersion(root, ref);
      setDescription(root, v.name, v.version, text);
      out.line(`Described ${v.name}:${v.version}.`);
    });

  cmd
    .command('card <ref>')
    .description("print the path of the version's model card (Markdown), generating it on first use")
    .option('--print', 'print the card itself')
    .action((ref: string, opts: { print?: boolean }) => {
      const root = existingRoot(ctx);
      const v = getModelVersion(root, ref);
      const run = withCurrentStore(ctx, undefined, (db, paths) => runLineage(db, paths.runsDir, v.run_id));
      const file = ensureModelCard(root, v, run);
      out.line(opts.print ? fs.readFileSync(file, 'utf8') : file);
    });

  return cmd;
}

function existingRoot(ctx: CliContext): string {
  const paths = findPaths(ctx);
  if (!paths || !fs.existsSync(paths.root)) throw new MlwbError(`No .mlwb folder in ${ctx.cwd} or its parents: no models registered.`, 'NOT_FOUND');
  return paths.root;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MlwbError(`Cannot read the sample input ${file}: ${(e as Error).message}`, 'INVALID_ARGUMENT');
  }
}

function parseTags(pairs: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new MlwbError(`A tag is key=value; got ${JSON.stringify(p)}.`, 'INVALID_ARGUMENT');
    tags[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return tags;
}

function printVersion(out: Output, v: ModelVersion): void {
  const io = (role: string, list: ModelVersion['signature']['inputs']) => list.map((t) => `  ${role} ${t.name}: ${t.datatype} [${t.shape.join(', ')}]`);
  out.line(
    [
      `${v.name}:${v.version}${v.aliases.length ? `  (${v.aliases.map((a) => '@' + a).join(', ')})` : ''}${v.deleted ? '  [deleted]' : ''}`,
      `created     ${v.created_at}`,
      `run         ${v.run_id ?? '—'}`,
      `source      ${v.source}`,
      `sha256      ${v.sha256}`,
      `size        ${formatBytes(v.size_bytes)} (${v.size_bytes} bytes)${v.files.length ? ` (${v.files.length + 1} files)` : ''}`,
      `opset       ${v.metadata.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}; producer ${v.metadata.producer_name || '—'} ${v.metadata.producer_version}`,
      `validation  ${v.validation.status}: ${v.validation.message}`,
      ...(v.description ? [`description ${v.description}`] : []),
      ...Object.entries(v.tags).map(([k, val]) => `tag         ${k}=${val}`),
      'signature',
      ...io('in ', v.signature.inputs),
      ...io('out', v.signature.outputs),
    ].join('\n'),
  );
}

/** Progress on stderr when it is a terminal (register copies hundreds of MB). */
function progressPrinter(out: Output): ((p: { bytes: number; total: number; phase: string }) => void) & { done(): void } {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  let last = 0;
  const fn = (p: { bytes: number; total: number; phase: string }) => {
    if (!tty) return;
    const now = Date.now();
    if (now - last < 100 && p.bytes < p.total) return;
    last = now;
    shown = true;
    const pct = p.total ? Math.floor((100 * p.bytes) / p.total) : 100;
    process.stderr.write(`\r${p.phase === 'copy' ? 'copying' : 'validating'} ${pct}% (${formatBytes(p.bytes)} of ${formatBytes(p.total)})\x1b[K`);
  };
  return Object.assign(fn, {
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
      void out;
    },
  });
}
