import * as vscode from 'vscode';
import type { DeploymentRecord } from '../../protocol/deployments';
import type { BackendPool } from '../backend/backendPool';
import { CONTEXT_VALUES } from '../contributions';
import { Refresher } from '../shared/refresher';
import { DEPLOYMENT_ICON, deploymentDescription, deploymentLabel, deploymentTooltip } from './format';

export type DeploymentsNode =
  { kind: 'folder'; folder: vscode.WorkspaceFolder } | { kind: 'deployment'; folder: vscode.WorkspaceFolder; deployment: DeploymentRecord };
export type DeploymentNode = Extract<DeploymentsNode, { kind: 'deployment' }>;

export function isDeploymentNode(v: unknown): v is DeploymentNode {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'deployment' && typeof (v as DeploymentNode).deployment?.id === 'string';
}

/** Uptime in the descriptions moves on while nothing else changes. */
const UPTIME_REFRESH_MS = 30_000;

/**
 * The Deployments view: `model@vN · target` with a status icon, URL and uptime, the reason of a
 * failure. The backend's health checks push `deployments/changed`; the view re-lists then.
 * Empty → the welcome content (package.json viewsWelcome).
 */
export class DeploymentsTreeProvider implements vscode.TreeDataProvider<DeploymentsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DeploymentsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly refresher = new Refresher(() => Promise.resolve(this.changed.fire(undefined)), 150);
  private readonly subscriptions: vscode.Disposable[];
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly backends: BackendPool) {
    this.subscriptions = [backends.onDidChangeDeployments(() => this.refresher.request())];
    this.ticker = setInterval(() => this.refresher.request(), UPTIME_REFRESH_MS);
  }

  refresh(): void {
    this.refresher.request();
  }

  async getChildren(node?: DeploymentsNode): Promise<DeploymentsNode[]> {
    try {
      if (!node) {
        const folders = this.backends.folders();
        if (folders.length === 1) return await this.deployments(folders[0]!);
        const all = await Promise.all(
          folders.map(async (folder) => ((await this.deployments(folder)).length ? [{ kind: 'folder', folder } as DeploymentsNode] : [])),
        );
        return all.flat();
      }
      if (node.kind === 'folder') return await this.deployments(node.folder);
    } catch {
      // The backend reports its own failures; an empty view beats an error popup per refresh.
    }
    return [];
  }

  /** For reveal: a deployment's parent is its folder only when several folders are open. */
  getParent(node: DeploymentsNode): DeploymentsNode | undefined {
    return node.kind === 'deployment' && this.backends.folders().length > 1 ? { kind: 'folder', folder: node.folder } : undefined;
  }

  private async deployments(folder: vscode.WorkspaceFolder): Promise<DeploymentsNode[]> {
    const list = await this.backends.forFolder(folder).request('deployments/list', {});
    return list.map((deployment) => ({ kind: 'deployment', folder, deployment }));
  }

  getTreeItem(node: DeploymentsNode): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `deployments:${node.folder.uri.toString()}`;
      item.iconPath = vscode.ThemeIcon.Folder;
      return item;
    }
    const d = node.deployment;
    const item = new vscode.TreeItem(deploymentLabel(d), vscode.TreeItemCollapsibleState.None);
    item.id = `deployment:${node.folder.uri.toString()}:${d.id}`;
    item.description = deploymentDescription(d);
    item.tooltip = new vscode.MarkdownString(deploymentTooltip(d));
    const icon = DEPLOYMENT_ICON[d.status];
    item.iconPath = new vscode.ThemeIcon(icon.icon, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
    item.contextValue = CONTEXT_VALUES.deployments.deployment(d.status);
    item.accessibilityInformation = { label: `${d.model} version ${d.version} on ${d.target}, ${d.status}${d.reason ? `: ${d.reason}` : ''}` };
    return item;
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.refresher.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
