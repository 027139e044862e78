/**
 * The vscode-free half of packaging in VS Code: what a `{"type": "mlwb", "package": …}` task runs.
 * It runs the bundled CLI (`dist/cli.js package …`) as its own process with the host's runtime, so
 * the copying happens outside the extension host and the terminal shows the CLI's progress.
 */
import * as path from 'node:path';

export interface PackageTaskDefinition {
  readonly type: 'mlwb';
  /** Model reference: name, name:version or name@alias. */
  readonly package: string;
  /** Output folder, relative to the workspace folder (default build/<ref>). */
  readonly out?: string;
  readonly platform?: string;
}

export function isPackageTaskDefinition(d: { readonly type: string } & Record<string, unknown>): d is PackageTaskDefinition & Record<string, unknown> {
  return d.type === 'mlwb' && typeof d.package === 'string' && d.package.length > 0;
}

/** `build/iris-3`, `build/iris-champion`: one folder per reference, safe as a path segment. */
export function defaultOutDir(ref: string): string {
  return path.join('build', ref.replace(/[:@]/g, '-').replace(/[^A-Za-z0-9._-]/g, '_'));
}

export interface PackageProcess {
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
}

/** The process a package task runs: `<node> <extension>/dist/cli.js package <ref> --out <dir> [--platform P]`. */
export function packageProcess(def: PackageTaskDefinition, folder: string, mlwbDir: string, extensionPath: string, execPath: string): PackageProcess {
  const out = path.resolve(folder, def.out ?? defaultOutDir(def.package));
  return {
    command: execPath,
    args: [path.join(extensionPath, 'dist', 'cli.js'), 'package', def.package, '--out', out, ...(def.platform ? ['--platform', def.platform] : [])],
    cwd: folder,
    // ELECTRON_RUN_AS_NODE: under desktop VS Code execPath is Electron; this makes it plain Node.
    env: { ELECTRON_RUN_AS_NODE: '1', MLWB_DIR: mlwbDir },
  };
}

/** The task's label in the Run Task list. */
export const packageTaskName = (ref: string) => `package ${ref}`;
