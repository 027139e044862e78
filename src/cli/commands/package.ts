// `mlwb package <ref> --out DIR [--platform P] [--image NAME] [--json]`: writes a Docker build
// context for a registered model version (src/core/packaging, docs/packaging.md). Progress goes to
// stderr so `--json` output stays parseable.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { MlwbError } from '../../core/errors';
import { packageModel, PACKAGE_PLATFORMS } from '../../core/packaging';
import { formatBytes } from '../../shared/format';
import { type CliContext, findPaths } from '../context';
import type { Output } from '../output';

interface PackageCliOptions {
  out: string;
  platform?: string;
  image?: string;
  json?: boolean;
}

export function packageCommand(ctx: CliContext, out: Output): Command {
  return new Command('package')
    .description('write a self-contained Docker build context for a registered model (server, Dockerfile, Kubernetes/KServe manifests, model card)')
    .argument('<ref>', 'model: name, name:version or name@alias')
    .requiredOption('--out <dir>', 'folder to write (new, empty, or an earlier package)')
    .option('--platform <platform>', `platform of the image: ${Object.keys(PACKAGE_PLATFORMS).join(' | ')} (default: this machine's, else linux-x64)`)
    .option('--image <name>', 'image name for the manifests and README (default mlwb/<name>:<version>)')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, opts: PackageCliOptions) => {
      const paths = findPaths(ctx);
      if (!paths || !fs.existsSync(paths.root))
        throw new MlwbError(`No ML Workbench workspace (.mlwb) here or above ${ctx.cwd} to find the model '${ref}' in.`, 'NOT_FOUND');
      const abort = new AbortController();
      const onInt = (): void => abort.abort();
      process.once('SIGINT', onInt);
      try {
        const r = await packageModel(paths.root, ref, path.resolve(ctx.cwd, opts.out), {
          platform: opts.platform,
          image: opts.image,
          signal: abort.signal,
          log: (line) => out.error(line),
        });
        if (opts.json) {
          out.json({ dir: r.dir, model: r.model, version: r.version, platform: r.platform, image: r.image, size_bytes: r.sizeBytes, files: r.files });
          return;
        }
        out.line(`Packaged ${r.model}:${r.version} for ${r.platform} in ${r.dir} (${formatBytes(r.sizeBytes)}, ${r.files.length} files).`);
        out.line(`Build it:  docker build -t ${r.image} ${r.dir}`);
        out.line(`Run it:    docker run --rm -p 127.0.0.1:8080:${r.containerPort} ${r.image}`);
        out.line(`More (Kubernetes, KServe, a local base image): ${r.dir}/README.md`);
      } finally {
        process.off('SIGINT', onInt);
      }
    });
}
