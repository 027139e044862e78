import { getMetricPoints, getRun, listExperiments, listRuns } from '../core/runs/queries';
import { getRunDetails } from '../core/runs/details';
import { appendRunEdit } from '../core/runs/edits';
import type { BackendContext, RequestGroup } from './requestGroup';

type RunMethods = 'experiments/list' | 'runs/list' | 'runs/get' | 'runs/metric' | 'runs/details' | 'runs/edit';

/** Requests of the Experiments view and the run details panel: listings, one run, edits. */
export function runRequests(ctx: BackendContext): RequestGroup<RunMethods> {
  return {
    handlers: {
      'experiments/list': () => {
        const db = ctx.service().store();
        return db ? listExperiments(db) : [];
      },
      'runs/list': (params) => {
        const db = ctx.service().store();
        return db ? listRuns(db, params) : [];
      },
      'runs/get': ({ id }) => getRun(ctx.requireStore(id), id),
      'runs/metric': ({ id, key }) => getMetricPoints(ctx.requireStore(id), id, key),
      'runs/details': ({ id }) => getRunDetails(ctx.requireStore(id), ctx.service().paths.runsDir, id),
      'runs/edit': async ({ id, edit }) => {
        ctx.requireTrust('Editing a run');
        const db = ctx.requireStore(id);
        appendRunEdit(ctx.service().paths.runsDir, id, edit);
        await ctx.service().refreshRun(id);
        return getRun(db, id);
      },
    },
  };
}
