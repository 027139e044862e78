/**
 * The one command table: every command id in src/extension/contributions.ts mapped to its
 * handler. Each feature contributes its own handlers; this file only composes them, and the
 * type demands exactly one handler per contributed id.
 */
import * as vscode from 'vscode';
import type { CommandHandlers, ExtensionKit, FeatureContribution } from './shared/commands';

/** The kit's commands: the Output channel and the backends. */
export function kitCommands(kit: ExtensionKit, afterRestart: () => void): FeatureContribution<'kit'> {
  return {
    commands: {
      'mlwb.showOutput': () => kit.log.show(),
      'mlwb.restartBackend': async () => {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Restarting ML Workbench backend' }, () =>
          kit.backends.restartAll(),
        );
        afterRestart();
      },
    },
    disposables: [],
  };
}

export interface Features {
  kit: FeatureContribution<'kit'>;
  runs: FeatureContribution<'runs'>;
  notebooks: FeatureContribution<'notebooks'>;
  data: FeatureContribution<'data'>;
  models: FeatureContribution<'models'>;
  deployments: FeatureContribution<'deployments'>;
  packaging: FeatureContribution<'packaging'>;
  monitor: FeatureContribution<'monitor'>;
  mlflow: FeatureContribution<'mlflow'>;
}

export function commandTable(features: Features): CommandHandlers {
  return {
    ...features.kit.commands,
    ...features.runs.commands,
    ...features.notebooks.commands,
    ...features.data.commands,
    ...features.models.commands,
    ...features.deployments.commands,
    ...features.packaging.commands,
    ...features.monitor.commands,
    ...features.mlflow.commands,
  };
}
