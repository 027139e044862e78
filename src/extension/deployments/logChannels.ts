import * as vscode from 'vscode';
import type { BackendPool } from '../backend/backendPool';
import type { DeploymentNode } from './deploymentsTree';

let streamSeq = 0;

/**
 * Show Logs: one Output channel per deployment, fed by a backend stream that follows the server's
 * log file. Asking again shows the same channel; closing the extension stops every stream.
 */
export class LogChannels implements vscode.Disposable {
  private readonly open = new Map<string, { channel: vscode.OutputChannel; streamId: string; node: DeploymentNode; done: boolean }>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly backends: BackendPool) {
    this.subscription = backends.onDeployLogLines((p) => {
      for (const s of this.open.values()) {
        if (s.streamId !== p.streamId) continue;
        for (const line of p.lines) s.channel.appendLine(line);
        if (p.done) {
          s.done = true;
          s.channel.appendLine('— end of log stream —');
        }
      }
    });
  }

  async show(node: DeploymentNode): Promise<void> {
    const key = `${node.folder.uri.toString()}:${node.deployment.id}`;
    const existing = this.open.get(key);
    if (existing && !existing.done) return existing.channel.show(true);
    existing?.channel.dispose(); // an ended stream (the server stopped): read the log afresh, e.g. after a Restart
    const channel = vscode.window.createOutputChannel(`ML Workbench: ${node.deployment.id}`);
    const streamId = `logs-${process.pid}-${++streamSeq}`;
    this.open.set(key, { channel, streamId, node, done: false });
    channel.show(true);
    const d = node.deployment;
    // A failed or stopped deployment writes no more: print why, then its log so far, without waiting for lines that never come.
    const ended = d.status === 'failed' || d.status === 'stopped';
    if (ended) channel.appendLine(`${d.id} is ${d.status}${d.reason ? `: ${d.reason}` : ''}`);
    try {
      await this.backends.forFolder(node.folder).request('deployments/logs', { id: d.id, streamId, follow: !ended });
    } catch (e) {
      this.open.delete(key);
      channel.dispose();
      throw e;
    }
  }

  dispose(): void {
    this.subscription.dispose();
    for (const s of this.open.values()) {
      void this.backends
        .forFolder(s.node.folder)
        .request('deployments/logsStop', { streamId: s.streamId })
        .catch(() => undefined);
      s.channel.dispose();
    }
    this.open.clear();
  }
}
