import type { ExtensionKit, FeatureContribution } from '../shared/commands';
import { registerDataView } from './commands';
import { registerDataPreview } from './preview/panel';

/** Everything for data snapshots in VS Code: the Data view, its commands, and the preview panels. */
export function registerData(kit: ExtensionKit): FeatureContribution<'data'> {
  const view = registerDataView(kit.backends, kit.log);
  const preview = registerDataPreview(kit);
  return { commands: { ...view.commands, ...preview.commands }, disposables: [...view.disposables, ...preview.disposables] };
}
