/**
 * The webview end of a panel: typed postMessage, validated incoming messages dispatched through a
 * handler table, and state that survives reloads (`getState`/`setState`, which the host's panel
 * serializer receives after a window reload).
 */
import { type Handlers, type Message, type MessageMap, type Validators, createReceiver } from '../../src/shared/messages';

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export interface WebviewChannel<Out extends MessageMap, S> {
  post(message: Message<Out>): void;
  readonly state: S;
  /** Merges into the state and persists it. */
  patchState(patch: Partial<S>): void;
}

/**
 * Connects once per page (`acquireVsCodeApi` may only be called once). `initialState` is used
 * when the webview has no saved state yet, or the saved state fails `isState`.
 */
export function connectWebview<In extends MessageMap, Out extends MessageMap, S extends object>(opts: {
  validators: Validators<In>;
  handlers: Handlers<In>;
  initialState: S;
  isState: (v: unknown) => v is S;
}): WebviewChannel<Out, S> {
  const api = acquireVsCodeApi<S>();
  const saved = api.getState();
  let state: S = opts.isState(saved) ? saved : opts.initialState;
  api.setState(state);
  const receive = createReceiver(opts.validators, opts.handlers, (raw) => console.warn('ignored message', raw));
  window.addEventListener('message', (e: MessageEvent<unknown>) => void receive(e.data));
  return {
    post: (m) => api.postMessage(m),
    get state() {
      return state;
    },
    patchState(patch) {
      state = { ...state, ...patch };
      api.setState(state);
    },
  };
}

/** The JSON the host put in `<body data-init>` (see src/extension/shared/webview/html.ts). */
export function readInit(): unknown {
  const raw = document.body.dataset['init'];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
