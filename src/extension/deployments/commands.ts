import * as vscode from 'vscode';
import type { DeploymentRecord } from '../../protocol/deployments';
import { curlCommand } from '../../core/deploy/curl';
import type { BackendPool } from '../backend/backendPool';
import type { CommandId } from '../contributions';
import { isVersionNode, type ModelsNode } from '../models/modelsTree';
import type { CommandHandlers } from '../shared/commands';
import { reportError } from '../shared/errors';
import { type DeploymentNode, type DeploymentsNode, type DeploymentsTreeProvider, isDeploymentNode } from './deploymentsTree';
import type { LogChannels } from './logChannels';

type VersionNode = Extract<ModelsNode, { kind: 'version' }>;
type DeploymentCommand = Exclude<CommandId<'deployments'>, 'mlwb.tryIt'>;
let opSeq = 0;

interface Deps {
  readonly backends: BackendPool;
  readonly log: vscode.LogOutputChannel;
  readonly tree: DeploymentsTreeProvider;
  readonly view: vscode.TreeView<DeploymentsNode>;
  readonly logs: LogChannels;
}

/** Deploy from the Models view and every action of the Deployments view; the backend does the work. */
export function deploymentCommandTable({ backends, log, tree, view, logs }: Deps): CommandHandlers<DeploymentCommand> {
  const fail = (action: string) => (e: unknown) => reportError(e, { action, log, cancelled: `${action} cancelled.` });

  /** A long operation with a cancellable progress notification fed by the target's progress lines. */
  function withOperation(folder: vscode.WorkspaceFolder, title: string, run: (opId: string) => Promise<DeploymentRecord>): Thenable<DeploymentRecord> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const opId = `deploy-${process.pid}-${++opSeq}`;
      const sub = backends.onDeployProgress((p) => p.opId === opId && progress.report({ message: p.line }));
      const cancel = token.onCancellationRequested(
        () =>
          void backends
            .forFolder(folder)
            .request('deployments/cancel', { opId })
            .catch(() => undefined),
      );
      try {
        return await run(opId);
      } finally {
        sub.dispose();
        cancel.dispose();
      }
    });
  }

  /** What the user sees when an operation ends: the deployment revealed, or the reason it failed. */
  async function settle(folder: vscode.WorkspaceFolder, rec: DeploymentRecord, verb: string): Promise<void> {
    tree.refresh();
    const node: DeploymentNode = { kind: 'deployment', folder, deployment: rec };
    if (rec.status === 'healthy') {
      // Give the tree a moment to re-list so reveal finds the item.
      await new Promise((r) => setTimeout(r, 200));
      await view.reveal(node, { select: true, focus: false }).then(undefined, () => undefined);
      const pick = await vscode.window.showInformationMessage(`${verb} ${rec.model}:${rec.version} at ${rec.url}`, 'Try It', 'Copy URL');
      if (pick === 'Try It') await tryIt(node);
      if (pick === 'Copy URL' && rec.url) await vscode.env.clipboard.writeText(rec.url);
    } else if (rec.status === 'failed') {
      const pick = await vscode.window.showErrorMessage(
        `ML Workbench: ${rec.model}:${rec.version} failed to deploy: ${rec.reason ?? 'no reason given'}`,
        'Show Logs',
      );
      if (pick === 'Show Logs') await logs.show(node);
    }
  }

  async function deploy(node: VersionNode, ask: boolean): Promise<void> {
    const backend = backends.forFolder(node.folder);
    const ref = `${node.version.name}:${node.version.version}`;
    let target: string | undefined;
    let port: number | undefined;
    if (ask) {
      const { targets, defaultTarget } = await backend.request('deployments/targets', {});
      const picked = await vscode.window.showQuickPick(
        [defaultTarget, ...targets.filter((t) => t !== defaultTarget)].map((t) => ({ label: t, description: t === defaultTarget ? 'last used' : undefined })),
        { title: `Deploy ${ref} to…`, placeHolder: 'Pick a deploy target' },
      );
      if (!picked) return;
      target = picked.label;
      const text = await vscode.window.showInputBox({
        title: `Deploy ${ref} to ${target}: port`,
        prompt: 'Loopback port to serve on; leave empty for any free port',
        validateInput: (v) => (v === '' || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535) ? undefined : 'A port from 1 to 65535, or empty'),
      });
      if (text === undefined) return;
      port = text === '' ? undefined : Number(text);
    }
    const rec = await withOperation(node.folder, `Deploying ${ref}${target ? ` to ${target}` : ''}`, (opId) =>
      backend.request('deployments/deploy', { ref, opId, ...(target ? { target } : {}), ...(port !== undefined ? { port } : {}) }),
    );
    await settle(node.folder, rec, 'Serving');
  }

  function tryIt(node: DeploymentNode): Thenable<unknown> {
    const d = node.deployment;
    if (!d.url) return vscode.window.showInformationMessage(`${d.id} has no URL yet (it is ${d.status}).`);
    return vscode.commands.executeCommand('mlwb.tryIt' satisfies CommandId<'deployments'>, { serverUrl: d.url, model: d.model, version: String(d.version) });
  }

  async function redeploy(node: DeploymentNode): Promise<void> {
    const d = node.deployment;
    const backend = backends.forFolder(node.folder);
    const model = (await backend.request('models/list', {})).find((m) => m.name === d.model);
    const choices = (model?.versions ?? []).filter((v) => v.version !== d.version);
    if (!choices.length) {
      void vscode.window.showInformationMessage(`${d.model} has no other version to deploy.`);
      return;
    }
    const pick = await vscode.window.showQuickPick(
      choices.map((v) => ({
        label: `v${v.version}`,
        description: [v.aliases.map((a) => `@${a}`).join(' '), v.version === d.previous_version ? 'previous' : ''].filter(Boolean).join(' · '),
        version: v.version,
      })),
      { title: `Redeploy ${d.id} with another version of ${d.model}` },
    );
    if (!pick) return;
    const rec = await withOperation(node.folder, `Redeploying ${d.model}:${pick.version}`, (opId) =>
      backend.request('deployments/redeploy', { id: d.id, version: pick.version, opId }),
    );
    await settle(node.folder, rec, 'Serving');
  }

  /** Menu commands get the clicked node; anything else is a stale or palette call. */
  const onNode =
    (action: string, fn: (node: DeploymentNode) => unknown) =>
    (node?: unknown): unknown => {
      if (!isDeploymentNode(node)) return vscode.window.showInformationMessage('Pick a deployment in the ML Workbench Deployments view first.');
      return Promise.resolve()
        .then(() => fn(node))
        .catch(fail(action));
    };
  const onVersion =
    (ask: boolean) =>
    (node?: unknown): unknown => {
      if (!isVersionNode(node)) return vscode.window.showInformationMessage('Pick a model version in the ML Workbench Models view first.');
      return deploy(node, ask).catch(fail(`Deploy ${node.version.name}:${node.version.version}`));
    };

  return {
    'mlwb.models.deploy': onVersion(false),
    'mlwb.models.deployTo': onVersion(true),
    'mlwb.deployments.refresh': () => tree.refresh(),
    'mlwb.deployments.tryIt': onNode('Try It', tryIt),
    'mlwb.deployments.showLogs': onNode('Show Logs', (n) => logs.show(n)),
    'mlwb.deployments.copyUrl': onNode('Copy URL', async (n) => {
      if (n.deployment.url) await vscode.env.clipboard.writeText(n.deployment.url);
    }),
    'mlwb.deployments.copyCurl': onNode('Copy curl', async (n) => {
      const d = n.deployment;
      if (!d.url) return;
      const details = await backends.forFolder(n.folder).request('models/details', { ref: `${d.model}:${d.version}` });
      await vscode.env.clipboard.writeText(curlCommand(d.url, d.model, d.version, details.version.signature));
      void vscode.window.setStatusBarMessage('ML Workbench: curl request copied', 3000);
    }),
    'mlwb.deployments.stop': onNode('Stop', async (n) => {
      await backends.forFolder(n.folder).request('deployments/stop', { id: n.deployment.id });
      tree.refresh();
    }),
    'mlwb.deployments.restart': onNode('Restart', async (n) => {
      const d = n.deployment;
      const rec = await withOperation(n.folder, `Restarting ${d.model}:${d.version}`, (opId) =>
        backends.forFolder(n.folder).request('deployments/restart', { id: d.id, opId }),
      );
      await settle(n.folder, rec, 'Serving');
    }),
    'mlwb.deployments.redeploy': onNode('Redeploy', redeploy),
    'mlwb.deployments.rollback': onNode('Roll Back', async (n) => {
      const d = n.deployment;
      if (d.previous_version === undefined) {
        void vscode.window.showInformationMessage(`${d.id} was never redeployed: there is no earlier version to roll back to.`);
        return;
      }
      const rec = await withOperation(n.folder, `Rolling back ${d.id} to ${d.model}:${d.previous_version}`, (opId) =>
        backends.forFolder(n.folder).request('deployments/rollback', { id: d.id, opId }),
      );
      await settle(n.folder, rec, 'Rolled back: serving');
    }),
  };
}
