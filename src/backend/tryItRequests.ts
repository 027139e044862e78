// The backend's `tryIt/*` requests: a form prefill from lineage (tryItSample.ts) and temporary
// model servers for registered versions (tryItServers.ts), which this group owns and stops.
import { getModelVersion, modelFilePath } from '../core/registry';
import type { TryItRequests } from '../protocol/tryIt';
import type { BackendContext, RequestGroup } from './requestGroup';
import { trainingSample } from './tryItSample';
import { TryItServers } from './tryItServers';

type TryItMethods = keyof TryItRequests;

export class TryItRequestGroup implements RequestGroup<TryItMethods> {
  readonly servers = new TryItServers();
  readonly handlers: RequestGroup<TryItMethods>['handlers'];

  constructor(ctx: BackendContext) {
    const root = (): string => ctx.service().paths.root;
    this.handlers = {
      'tryIt/sample': ({ ref }) => {
        const service = ctx.service();
        return trainingSample(service.store(), service.paths, getModelVersion(root(), ref));
      },
      'tryIt/start': async ({ ref }) => {
        // Runs the model file: the same trust bar as validating one at registration.
        ctx.requireTrust('Trying a model version');
        const v = getModelVersion(root(), ref);
        return this.servers.start({ name: v.name, version: String(v.version), file: modelFilePath(root(), v) });
      },
      'tryIt/stop': async ({ serverUrl }) => {
        await this.servers.stop(serverUrl);
        return null;
      },
    };
    // The servers also exit on their own when our stdout/stdin pipes close (--exit-with-stdin).
    process.once('exit', () => this.servers.killAll());
  }

  /** Another workspace folder: its versions are other files, so the old servers go. */
  reset(): Promise<void> {
    return this.servers.close();
  }

  close(): Promise<void> {
    return this.servers.close();
  }
}
