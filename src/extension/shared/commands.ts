import * as vscode from 'vscode';
import type { CommandId, Feature } from '../contributions';
import type { BackendPool } from '../backend/backendPool';

/** A command's handler; arguments come from menus (tree nodes, URIs) or executeCommand. */
export type CommandHandler = (...args: never[]) => unknown;

/** Handlers for a set of command ids: exactly those ids, each with a handler. */
export type CommandHandlers<Id extends CommandId = CommandId> = { readonly [K in Id]: CommandHandler };

/** What each feature needs from the extension: its context, the backends and the log. */
export interface ExtensionKit {
  readonly context: vscode.ExtensionContext;
  readonly backends: BackendPool;
  readonly log: vscode.LogOutputChannel;
}

/**
 * What a feature (or a part of one) contributes: command handlers, registered by the one command
 * table, and the disposables it owns (views, providers, panels), disposed with the extension.
 */
export interface Contribution<Id extends CommandId = never> {
  readonly commands: CommandHandlers<Id>;
  readonly disposables: readonly vscode.Disposable[];
}

export type FeatureContribution<F extends Feature> = Contribution<CommandId<F>>;

/** Registers every handler of the table under its id. */
export function registerCommands(table: CommandHandlers): vscode.Disposable[] {
  return (Object.keys(table) as CommandId[]).map((id) => vscode.commands.registerCommand(id, table[id] as (...args: unknown[]) => unknown));
}
