/**
 * Names derived from a model reference for the outside world: an image reference (lowercase
 * `[a-z0-9._-]`) and a Kubernetes object name (DNS-1123 label: lowercase alphanumerics and '-',
 * starting with a letter, at most 63 characters; KServe prefixes it, so we keep it shorter).
 */
export function imageName(model: string, version: number): string {
  const repo =
    model
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+|[._-]+$/g, '') || 'model';
  return `mlwb/${repo}:${version}`;
}

export function kubeName(model: string, version: number): string {
  const base =
    model
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^[^a-z]+/, '')
      .replace(/-+$/, '') || 'model';
  return `${base.slice(0, 40).replace(/-+$/, '')}-v${version}`;
}
