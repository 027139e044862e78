/** What a deployment looks like in the Deployments view. vscode-free, so unit tests check it. */
import type { DeploymentRecord, DeploymentStatus } from '../../protocol/deployments';
import { formatDuration, formatExactTime } from '../../shared/format';

/** Codicon and theme color per status. */
export const DEPLOYMENT_ICON: Record<DeploymentStatus, { icon: string; color?: string }> = {
  starting: { icon: 'loading~spin' },
  healthy: { icon: 'pass-filled', color: 'testing.iconPassed' },
  unhealthy: { icon: 'warning', color: 'list.warningForeground' },
  stopped: { icon: 'debug-stop', color: 'disabledForeground' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
};

export function deploymentLabel(d: DeploymentRecord): string {
  return `${d.model}@v${d.version} · ${d.target}`;
}

/** How long it has been in its current status (healthy since, stopped since); `updated_at` only changes with the status. */
function since(d: DeploymentRecord, now: number): string {
  return formatDuration(Math.max(0, now - Date.parse(d.updated_at)));
}

export function deploymentDescription(d: DeploymentRecord, now = Date.now()): string {
  switch (d.status) {
    case 'healthy':
      return `${d.url ?? ''} · up ${since(d, now)}`;
    case 'starting':
      return 'starting…';
    case 'unhealthy':
      return `unhealthy · ${d.url ?? ''}`;
    case 'stopped':
      return 'stopped';
    case 'failed':
      return `failed: ${d.reason ?? 'no reason given'}`;
  }
}

export function deploymentTooltip(d: DeploymentRecord, now = Date.now(), locale?: string): string {
  const lines = [
    `**${d.model}** version ${d.version} on **${d.target}** — ${d.status}`,
    '',
    `- id: \`${d.id}\``,
    ...(d.url ? [`- URL: ${d.url}`] : []),
    ...(d.status === 'healthy' ? [`- up for ${since(d, now)} (since ${formatExactTime(d.updated_at, locale)})`] : []),
    `- created: ${formatExactTime(d.created_at, locale)}`,
    ...(d.previous_version !== undefined ? [`- previous version: ${d.previous_version} (Roll Back serves it again)`] : []),
  ];
  if (d.reason && d.status !== 'healthy') lines.push('', `Reason: ${d.reason}`);
  return lines.join('\n');
}
