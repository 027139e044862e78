import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DataPreviewInit } from '../../protocol/webview/dataPreview';
import { isImagePath } from '../../protocol/data';
import { detectFormat } from '../../core/data/table';
import type { BackendPool } from '../backend/backendPool';
import { type DataNode, DataTreeProvider, isDatasetNode, isSnapshotNode } from './dataTree';
import { formatBytes } from '../../shared/format';
import { fileCount, progressMessage, progressPercent, snapshotDescription, snapshotLabel } from './format';
import { reportError } from '../shared/errors';
import type { Contribution } from '../shared/commands';
import { type CommandId, VIEW_IDS } from '../contributions';

type SnapshotNode = Extract<DataNode, { kind: 'snapshot' }>;

/** The Data view and its commands (snapshot, diff, preview, profile, drift, restore). */
export function registerDataView(backends: BackendPool, log: vscode.LogOutputChannel): Contribution<Exclude<CommandId<'data'>, 'mlwb.data.openPreview'>> {
  const tree = new DataTreeProvider(backends);
  const view = vscode.window.createTreeView(VIEW_IDS.data, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });

  const folderOf = (uri: vscode.Uri): vscode.WorkspaceFolder | undefined => vscode.workspace.getWorkspaceFolder(uri);
  const openPreview = (init: DataPreviewInit) => vscode.commands.executeCommand('mlwb.data.openPreview', init);

  /** Snapshot Dataset: from the explorer (uri, uris), the Data view (dataset node) or the palette. */
  async function snapshotDataset(arg?: unknown, all?: unknown): Promise<void> {
    let uri: vscode.Uri | undefined;
    if (Array.isArray(all) && all.length > 1) {
      void vscode.window.showWarningMessage('ML Workbench: snapshot one file or folder at a time.');
      return;
    }
    if (arg instanceof vscode.Uri) uri = arg;
    else if (isDatasetNode(arg)) uri = vscode.Uri.file(arg.dataset.path);
    else {
      const picked = await vscode.window.showOpenDialog({
        canSelectFiles: true,
        canSelectFolders: true,
        canSelectMany: false,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        openLabel: 'Snapshot',
        title: 'Snapshot Dataset',
      });
      uri = picked?.[0];
    }
    if (!uri) return;
    const folder = folderOf(uri);
    if (!folder) {
      void vscode.window.showErrorMessage(`ML Workbench: ${uri.fsPath} is not inside an open workspace folder.`);
      return;
    }
    type ModeItem = vscode.QuickPickItem & { metadataOnly: boolean };
    const mode = await vscode.window.showQuickPick<ModeItem>(
      [
        {
          label: '$(files) Copy content',
          description: 'default',
          detail: 'Store the files in .mlwb/objects (deduplicated): can be restored, previewed, diffed and profiled.',
          metadataOnly: false,
        },
        {
          label: '$(tag) Metadata only',
          detail: 'Record hashes and stats only, for data too large to copy: cannot be restored or previewed.',
          metadataOnly: true,
        },
      ],
      { title: `Snapshot ${vscode.workspace.asRelativePath(uri)}`, placeHolder: 'How to snapshot (default: copy content)' },
    );
    if (!mode) return;
    const name = await vscode.window.showInputBox({
      title: 'Snapshot name (optional)',
      prompt: 'Leave empty to name the snapshot by its time',
      placeHolder: 'e.g. v2-cleaned',
    });
    if (name === undefined) return;
    const backend = backends.forFolder(folder);
    const opId = crypto.randomUUID();
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Snapshotting ${vscode.workspace.asRelativePath(uri)}`, cancellable: true },
        async (progress, token) => {
          let reported = 0;
          const sub = backends.onDataProgress((p) => {
            if (p.opId !== opId) return;
            const pct = progressPercent(p.progress);
            progress.report({ message: progressMessage(p.progress), increment: pct > reported ? pct - reported : undefined });
            reported = Math.max(reported, pct);
          });
          const cancel = token.onCancellationRequested(() => void backend.request('data/cancel', { opId }).catch(() => undefined));
          try {
            return await backend.request('data/create', { path: uri.fsPath, name: name.trim() || undefined, metadataOnly: mode.metadataOnly, opId });
          } finally {
            sub.dispose();
            cancel.dispose();
          }
        },
      );
      tree.refresh();
      const s = result.snapshot;
      const what = result.reused ? 'unchanged since' : 'new';
      void vscode.window.showInformationMessage(
        `ML Workbench: snapshot ${s.name ?? s.id.slice(0, 12)} of ${s.dataset}: ${fileCount(s.file_count)}, ${formatBytes(s.total_bytes)} (${result.stats.hashed_files} hashed, ${result.stats.reused_files} unchanged${result.reused ? `, ${what}` : ''}).` +
          (s.partial ? ` Partial: ${s.errors.length} problem(s), see the snapshot's tooltip.` : ''),
      );
    } catch (e) {
      reportError(e, { action: 'snapshot failed', cancelled: 'snapshot cancelled; nothing was recorded.', log });
    }
  }

  /** Two snapshots: the tree's selection, else quick picks. Returns [older, newer]. */
  async function pickTwo(arg: unknown, all: unknown, title: string): Promise<[SnapshotNode, SnapshotNode] | undefined> {
    const selected = (Array.isArray(all) ? all : view.selection).filter(isSnapshotNode);
    if (selected.length === 2) return order(selected[0]!, selected[1]!);
    const first = isSnapshotNode(arg) ? arg : await pickSnapshot(`${title}: first snapshot (A, the reference)`);
    if (!first) return undefined;
    const second = await pickSnapshot(`${title}: compare ${snapshotLabel(first.summary.snapshot)} with`, first);
    return second ? order(first, second) : undefined;
  }
  const order = (a: SnapshotNode, b: SnapshotNode): [SnapshotNode, SnapshotNode] => (a.summary.snapshot.id <= b.summary.snapshot.id ? [a, b] : [b, a]);

  async function pickSnapshot(title: string, other?: SnapshotNode): Promise<SnapshotNode | undefined> {
    type Item = vscode.QuickPickItem & { node?: SnapshotNode };
    const load = async (): Promise<Item[]> => {
      const out: Item[] = [];
      for (const folder of backends.folders()) {
        if (other && other.folder.uri.toString() !== folder.uri.toString()) continue;
        const backend = backends.forFolder(folder);
        for (const dataset of await backend.request('data/datasets', {})) {
          if (other && dataset.dataset !== other.dataset.dataset) continue;
          for (const summary of await backend.request('data/snapshots', { dataset: dataset.dataset })) {
            if (other && summary.snapshot.id === other.summary.snapshot.id) continue;
            out.push({
              label: snapshotLabel(summary.snapshot),
              description: dataset.dataset,
              detail: `${summary.snapshot.id} · ${snapshotDescription(summary)}`,
              node: { kind: 'snapshot', folder, dataset, summary },
            });
          }
        }
      }
      return out.length ? out : [{ label: other ? 'No other snapshot of this dataset' : 'No snapshots yet', detail: 'Snapshot Dataset takes one.' }];
    };
    return (await vscode.window.showQuickPick(load(), { title, matchOnDescription: true, matchOnDetail: true }))?.node;
  }

  async function diff(arg?: unknown, all?: unknown): Promise<void> {
    const pair = await pickTwo(arg, all, 'Diff Snapshots');
    if (!pair) return;
    const [a, b] = pair;
    await openPreview({
      folderUri: a.folder.uri.toString(),
      mode: 'diff',
      title: `Diff ${snapshotLabel(a.summary.snapshot)} ↔ ${snapshotLabel(b.summary.snapshot)}`,
      a: a.summary.snapshot.id,
      b: b.summary.snapshot.id,
    });
  }

  /** A tabular file of a snapshot (or the image folder): the only one, or a quick pick. */
  async function pickFile(node: SnapshotNode, allowGallery: boolean): Promise<{ path: string; gallery: boolean } | undefined> {
    const { snapshot, files } = await backends.forFolder(node.folder).request('data/snapshot', { id: node.summary.snapshot.id });
    if (snapshot.kind === 'file') return { path: '', gallery: false };
    const tables = files.filter((f) => detectFormat(f.path));
    const images = files.filter((f) => isImagePath(f.path)).length;
    type Item = vscode.QuickPickItem & { value: { path: string; gallery: boolean } };
    const items: Item[] = tables.map((f) => ({ label: f.path, description: formatBytes(f.size), value: { path: f.path, gallery: false } }));
    if (allowGallery && images > 0)
      items.unshift({ label: '$(file-media) Image gallery', description: `${images} images`, value: { path: '', gallery: true } });
    if (items.length === 0) {
      void vscode.window.showInformationMessage(
        `ML Workbench: snapshot ${snapshotLabel(snapshot)} has no tables (CSV, TSV, JSONL, Parquet)${allowGallery ? ' or images' : ''}.`,
      );
      return undefined;
    }
    if (items.length === 1) return items[0]!.value;
    return (await vscode.window.showQuickPick(items, { title: `Preview a file of ${snapshotLabel(snapshot)}` }))?.value;
  }

  async function preview(mode: 'table' | 'profile', arg?: unknown): Promise<void> {
    try {
      let node: SnapshotNode | undefined;
      if (isSnapshotNode(arg)) node = arg;
      else if (isDatasetNode(arg)) {
        const [latest] = await backends.forFolder(arg.folder).request('data/snapshots', { dataset: arg.dataset.dataset });
        if (latest) node = { kind: 'snapshot', folder: arg.folder, dataset: arg.dataset, summary: latest };
      }
      if (node) {
        const picked = await pickFile(node, mode === 'table');
        if (!picked) return;
        const s = node.summary.snapshot;
        const fileName = picked.gallery ? 'images' : picked.path || path.posix.basename(s.dataset);
        await openPreview({
          folderUri: node.folder.uri.toString(),
          mode: picked.gallery ? 'gallery' : mode,
          title: `${fileName} @ ${snapshotLabel(s)}`,
          source: { snapshot: s.id, path: picked.path },
        });
        return;
      }
      let uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      if (!uri || uri.scheme !== 'file') {
        uri = (
          await vscode.window.showOpenDialog({
            canSelectFiles: true,
            canSelectFolders: true,
            title: 'Preview Data',
            defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
          })
        )?.[0];
      }
      if (!uri) return;
      const folder = folderOf(uri);
      if (!folder) {
        void vscode.window.showErrorMessage(`ML Workbench: ${uri.fsPath} is not inside an open workspace folder.`);
        return;
      }
      const stat = await vscode.workspace.fs.stat(uri);
      const rel = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
      const isDir = (stat.type & vscode.FileType.Directory) !== 0;
      if (!isDir && !detectFormat(uri.fsPath)) {
        void vscode.window.showInformationMessage(`ML Workbench: ${rel} is not a table; preview shows CSV, TSV, JSONL and Parquet files, and image folders.`);
        return;
      }
      await openPreview({
        folderUri: folder.uri.toString(),
        mode: isDir ? 'gallery' : mode,
        title: path.basename(uri.fsPath) || folder.name,
        source: { path: rel || '.' },
      });
    } catch (e) {
      reportError(e, { action: 'could not preview', log });
    }
  }

  async function drift(arg?: unknown, all?: unknown): Promise<void> {
    const pair = await pickTwo(arg, all, 'Data Drift');
    if (!pair) return;
    const [a, b] = pair;
    const picked = await pickFile(b, false);
    if (!picked) return;
    await openPreview({
      folderUri: a.folder.uri.toString(),
      mode: 'drift',
      title: `Drift ${snapshotLabel(a.summary.snapshot)} → ${snapshotLabel(b.summary.snapshot)}`,
      a: a.summary.snapshot.id,
      b: b.summary.snapshot.id,
      path: picked.path,
    });
  }

  async function restore(arg?: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'ML Workbench: restoring a snapshot writes files, which needs a trusted workspace. Trust this folder first (Manage Workspace Trust).',
      );
      return;
    }
    const node = isSnapshotNode(arg) ? arg : await pickSnapshot('Restore Snapshot');
    if (!node) return;
    const s = node.summary.snapshot;
    if (s.metadata_only) {
      void vscode.window.showWarningMessage(
        `ML Workbench: snapshot ${snapshotLabel(s)} is metadata-only: its content was not stored, so it cannot be restored.`,
      );
      return;
    }
    const ok = await vscode.window.showWarningMessage(
      `Restore ${s.dataset} to snapshot ${snapshotLabel(s)}?`,
      {
        modal: true,
        detail:
          'Files are written back from the snapshot; files not in it are left in place. You are asked again before any locally changed file is overwritten.',
      },
      'Restore',
    );
    if (ok !== 'Restore') return;
    const backend = backends.forFolder(node.folder);
    try {
      let r = await backend.request('data/restore', { snapshot: s.id });
      if (!r.result && r.conflicts.length) {
        const shown = r.conflicts.slice(0, 10).join('\n') + (r.conflicts.length > 10 ? `\n… and ${r.conflicts.length - 10} more` : '');
        const force = await vscode.window.showWarningMessage(
          `${r.conflicts.length} local file(s) in ${s.dataset} differ from the snapshot and would be overwritten.`,
          { modal: true, detail: shown },
          'Overwrite',
        );
        if (force !== 'Overwrite') return;
        r = await backend.request('data/restore', { snapshot: s.id, force: true });
      }
      if (r.result) {
        void vscode.window.showInformationMessage(
          `ML Workbench: restored ${s.dataset} to ${snapshotLabel(s)}: ${r.result.written.length} written, ${r.result.unchanged} unchanged${r.result.overwritten.length ? `, ${r.result.overwritten.length} overwritten` : ''}.`,
        );
      }
      tree.refresh();
    } catch (e) {
      reportError(e, { action: 'restore failed', log });
    }
  }

  return {
    commands: {
      'mlwb.data.snapshot': snapshotDataset,
      'mlwb.data.refresh': () => tree.refresh(),
      'mlwb.data.diff': diff,
      'mlwb.data.preview': (arg?: unknown) => preview('table', arg),
      'mlwb.data.profile': (arg?: unknown) => preview('profile', arg),
      'mlwb.data.drift': drift,
      'mlwb.data.restore': restore,
    },
    disposables: [tree, view],
  };
}
