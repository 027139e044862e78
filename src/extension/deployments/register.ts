import type { ExtensionKit, FeatureContribution } from '../shared/commands';
import { registerTryIt } from './tryIt/register';

/** Deployments in VS Code: so far the Try It panel against a running model server. */
export function registerDeployments(kit: ExtensionKit): FeatureContribution<'deployments'> {
  const tryIt = registerTryIt(kit);
  return { commands: { ...tryIt.commands }, disposables: [...tryIt.disposables] };
}
