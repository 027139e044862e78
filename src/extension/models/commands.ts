import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendPool } from '../backend/backendPool';
import type { CommandId } from '../contributions';
import type { CommandHandlers } from '../shared/commands';
import { reportError } from '../shared/errors';
import { checkAlias, checkModelName } from '../../core/registry/names';
import { errorMessage } from '../../shared/errors';
import { compareMarkdown } from './format';
import { type ModelsNode, type ModelsTreeProvider, isVersionNode } from './modelsTree';

type VersionNode = Extract<ModelsNode, { kind: 'version' }>;
interface RunLike {
  kind: 'run';
  folder: vscode.WorkspaceFolder;
  run: { id: string; name: string };
}

/** The registry's own name rules (pure core), so the input box says what the backend would. */
const problem = (check: (v: string) => unknown) => (v: string) => {
  try {
    check(v);
    return undefined;
  } catch (e) {
    return errorMessage(e);
  }
};
let opSeq = 0;

function isRunNode(v: unknown): v is RunLike {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'run' && typeof (v as RunLike).run?.id === 'string';
}

function suggestName(file: string): string {
  const base = path
    .basename(file, path.extname(file))
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return problem(checkModelName)(base) === undefined ? base : 'model';
}

/** Models view and Explorer commands; each change goes to the backend, which appends it to the model's log. */
export function modelCommandTable(
  backends: BackendPool,
  log: vscode.LogOutputChannel,
  tree: ModelsTreeProvider,
  openDetails: (node: VersionNode) => unknown,
): CommandHandlers<CommandId<'models'>> {
  const fail = (action: string) => (e: unknown) => reportError(e, { action, log });
  const forVersion = (fn: (node: VersionNode, all: VersionNode[]) => unknown) => (node?: unknown, selected?: unknown) => {
    if (!isVersionNode(node)) {
      void vscode.window.showInformationMessage('Pick a model version in the ML Workbench Models view first.');
      return;
    }
    const all = Array.isArray(selected) ? selected.filter(isVersionNode) : [node];
    return fn(node, all.length ? all : [node]);
  };

  async function register(folder: vscode.WorkspaceFolder, source: { file: string } | { runId: string; artifact: string }, suggested: string): Promise<void> {
    const name = await vscode.window.showInputBox({
      title: 'Register Model',
      prompt: 'Model name (the next version of this model is created)',
      value: suggested,
      validateInput: problem(checkModelName),
    });
    if (!name) return;
    const opId = `register-${Date.now()}-${opSeq++}`;
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Registering ${name}`, cancellable: true },
        async (progress, token) => {
          let last = 0;
          const sub = backends.onModelProgress((p) => {
            if (p.opId !== opId) return;
            const pct = p.progress.total ? (100 * p.progress.bytes) / p.progress.total : 100;
            progress.report({
              message: p.progress.phase === 'copy' ? `copying ${Math.floor(pct)}%` : 'validating with onnxruntime…',
              increment: Math.max(0, pct - last),
            });
            last = pct;
          });
          const cancel = token.onCancellationRequested(() => void backends.forFolder(folder).request('models/cancel', { opId }));
          try {
            return await backends.forFolder(folder).request('models/register', { name, opId, ...('file' in source ? { file: source.file } : source) });
          } finally {
            sub.dispose();
            cancel.dispose();
          }
        },
      );
      tree.refresh();
      const v = result.version;
      const message = result.duplicate
        ? `${v.name}:${v.version} already holds these bytes; nothing was copied.`
        : `Registered ${v.name}:${v.version} — ${v.validation.message}.`;
      const action = await vscode.window.showInformationMessage(message, 'Set Alias…', 'Show Details');
      const node: VersionNode = { kind: 'version', folder, model: v.name, version: v };
      if (action === 'Set Alias…') await setAlias(node);
      else if (action === 'Show Details') await openDetails(node);
    } catch (e) {
      reportError(e, { action: `could not register ${name}`, cancelled: `Registering ${name} was cancelled; nothing was registered.`, log });
    }
  }

  async function setAlias(node: VersionNode): Promise<void> {
    const v = node.version;
    const alias = await vscode.window.showInputBox({
      title: `Set Alias on ${v.name}:${v.version}`,
      prompt: 'An alias names one version at a time; setting it here moves it from any other version.',
      value: v.aliases.includes('champion') ? 'staging' : 'champion',
      validateInput: problem(checkAlias),
    });
    if (!alias) return;
    try {
      await backends.forFolder(node.folder).request('models/alias', { name: v.name, version: v.version, alias });
      tree.refresh();
      vscode.window.setStatusBarMessage(`${v.name}@${alias} → version ${v.version}`, 3000);
    } catch (e) {
      fail(`could not set @${alias} on ${v.name}:${v.version}`)(e);
    }
  }

  return {
    'mlwb.models.refresh': () => tree.refresh(),
    'mlwb.models.showDeleted': () => tree.setShowDeleted(true),
    'mlwb.models.hideDeleted': () => tree.setShowDeleted(false),
    'mlwb.models.restoreVersion': forVersion(async (node) => {
      try {
        await backends.forFolder(node.folder).request('models/restore', { name: node.version.name, version: node.version.version });
        tree.refresh();
      } catch (e) {
        fail(`could not restore ${node.version.name}:${node.version.version}`)(e);
      }
    }),
    'mlwb.models.register': async (arg?: unknown, artifactArg?: unknown) => {
      if (arg instanceof vscode.Uri) {
        const folder = vscode.workspace.getWorkspaceFolder(arg) ?? backends.folders()[0];
        if (!folder) return void vscode.window.showInformationMessage('ML Workbench: open a folder first.');
        return register(folder, { file: arg.fsPath }, suggestName(arg.fsPath));
      }
      if (isRunNode(arg)) {
        const details = await backends.forFolder(arg.folder).request('runs/details', { id: arg.run.id });
        const onnx = details.artifacts.filter((a) => a.path.toLowerCase().endsWith('.onnx'));
        if (!onnx.length) return void vscode.window.showInformationMessage(`Run "${arg.run.name}" has no .onnx artifact to register.`);
        const given = typeof artifactArg === 'string' && onnx.some((a) => a.path === artifactArg) ? artifactArg : undefined;
        const artifact =
          given ??
          (onnx.length === 1
            ? onnx[0]!.path
            : await vscode.window.showQuickPick(
                onnx.map((a) => a.path),
                { title: 'Register which artifact?' },
              ));
        if (!artifact) return;
        return register(arg.folder, { runId: arg.run.id, artifact }, suggestName(artifact === 'model.onnx' ? arg.run.name : artifact));
      }
      const picked = await vscode.window.showOpenDialog({ title: 'Register Model', canSelectMany: false, filters: { 'ONNX models': ['onnx'] } });
      if (!picked?.[0]) return;
      const folder = vscode.workspace.getWorkspaceFolder(picked[0]) ?? backends.folders()[0];
      if (folder) return register(folder, { file: picked[0].fsPath }, suggestName(picked[0].fsPath));
    },
    'mlwb.models.setAlias': forVersion((node) => setAlias(node)),
    'mlwb.models.showDetails': forVersion((node) => openDetails(node)),
    'mlwb.models.openCard': forVersion(async (node) => {
      try {
        const { path: card } = await backends.forFolder(node.folder).request('models/card', { ref: `${node.version.name}:${node.version.version}` });
        await vscode.window.showTextDocument(vscode.Uri.file(card));
      } catch (e) {
        fail(`could not open the model card of ${node.version.name}:${node.version.version}`)(e);
      }
    }),
    // Try It on the version itself: the Try It feature has the backend start a temporary server.
    'mlwb.models.tryIt': forVersion((node) =>
      vscode.commands.executeCommand('mlwb.tryIt', {
        model: node.version.name,
        version: String(node.version.version),
        workspaceFolder: node.folder.uri.fsPath,
      }),
    ),
    'mlwb.models.copyReference': forVersion(async (node) => {
      const ref = `${node.version.name}:${node.version.version}`;
      await vscode.env.clipboard.writeText(ref);
      vscode.window.setStatusBarMessage(`Copied ${ref}`, 3000);
    }),
    'mlwb.models.compare': forVersion(async (node, all) => {
      let versions = all;
      if (versions.length < 2) {
        // One selected: compare with the other versions of the same model, picked.
        const models = await backends.forFolder(node.folder).request('models/list', {});
        const others = models.find((m) => m.name === node.version.name)?.versions.filter((v) => v.version !== node.version.version) ?? [];
        const picks = await vscode.window.showQuickPick(
          others.map((v) => ({ label: `v${v.version}`, description: v.aliases.map((a) => '@' + a).join(' '), v })),
          { title: `Compare ${node.version.name}:${node.version.version} with…`, canPickMany: true },
        );
        if (!picks?.length) return;
        versions = [node, ...picks.map((p) => ({ ...node, version: p.v }))];
      }
      try {
        const rows = await Promise.all(
          versions.map(async (n) => {
            const d = await backends.forFolder(n.folder).request('models/details', { ref: `${n.version.name}:${n.version.version}` });
            return { version: d.version, metrics: d.run?.metrics ?? null };
          }),
        );
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: compareMarkdown(rows) });
        await vscode.window.showTextDocument(doc, { preview: true });
        await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => undefined);
      } catch (e) {
        fail('could not compare model versions')(e);
      }
    }),
    'mlwb.models.deleteVersion': forVersion(async (node) => {
      const v = node.version;
      const choice = await vscode.window.showWarningMessage(
        `Delete ${v.name}:${v.version}?`,
        { modal: true, detail: 'The version is hidden and its aliases removed. Its files stay, and it can be restored (Undo, or `mlwb models restore`).' },
        'Delete',
      );
      if (choice !== 'Delete') return;
      try {
        await backends.forFolder(node.folder).request('models/delete', { name: v.name, version: v.version });
        tree.refresh();
        const undo = await vscode.window.showInformationMessage(`Deleted ${v.name}:${v.version}.`, 'Undo');
        if (undo === 'Undo') {
          await backends.forFolder(node.folder).request('models/restore', { name: v.name, version: v.version });
          tree.refresh();
        }
      } catch (e) {
        fail(`could not delete ${v.name}:${v.version}`)(e);
      }
    }),
  };
}
