/**
 * The one shape of a backend request group: a factory (or class) taking the BackendContext and
 * giving its handlers, plus optional reset (initialize: a new workspace folder) and close. Groups
 * import this file, never handlers.ts, so there is no import cycle; handlers.ts composes them.
 */
import type { Db } from '../core/store/database';
import type { BackendNotifications, NotificationMethod, RequestHandlers, RequestMethod } from '../protocol/backend';
import type { WorkspaceService } from './workspaceService';

/** What a request group may use of the backend. */
export interface BackendContext {
  /** The workspace service; throws until `initialize` has run. */
  service(): WorkspaceService;
  /** The open store, else a NOT_FOUND error that names `id` (no `.mlwb/` yet means nothing exists). */
  requireStore(id: string): Db;
  notify<M extends NotificationMethod>(method: M, params: BackendNotifications[M]): void;
  /** Refuses (WORKSPACE_UNTRUSTED) work that writes to the workspace or reads paths a log names, in an untrusted workspace. */
  requireTrust(what: string): void;
}

export interface RequestGroup<M extends RequestMethod> {
  readonly handlers: Pick<RequestHandlers, M>;
  /** Called by `initialize`: state tied to the previous workspace folder is dropped. */
  reset?(workspaceFolder: string): Promise<void>;
  close?(): Promise<void>;
}
