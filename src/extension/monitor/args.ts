// vscode-free, so a unit test can check what the command accepts.

/** What `mlwb.openMonitor` accepts: a deployment id, or a tree item / object carrying one. */
export function deploymentIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as Record<string, unknown>;
  for (const k of ['deploymentId', 'id']) if (typeof o[k] === 'string' && o[k]) return o[k];
  return deploymentIdOf(o['deployment']);
}
