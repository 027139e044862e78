import { PROTOCOL_VERSION, type RequestResult } from '../../src/protocol/backend';
import { TestBackend } from './backendClient';
import { makeTempDir } from './tmp';

export interface BackendWorkspaceOptions {
  /** Prefix of the temporary workspace folder's name. */
  prefix?: string;
  /** One workspace for the whole `describe` (before/after) instead of a fresh one per test. */
  once?: boolean;
  /**
   * Runs after the backends stopped and before the folder is removed: for what a test started
   * that lives in the folder (servers, watchers) and must go first.
   */
  beforeCleanup?: () => unknown;
}

export interface StartOptions {
  /** Passed as `initialize`'s `trusted`; left out (the backend's "untrusted") when undefined. */
  trusted?: boolean;
  /** The folder to spawn in and initialize; the workspace folder by default. */
  folder?: string;
  env?: NodeJS.ProcessEnv;
}

/** A temporary workspace folder and the backend processes a test spawns in it. */
export interface BackendWorkspace {
  /** The current workspace folder (set by the hook; read it inside tests and hooks). */
  readonly dir: string;
  /** A backend process without `initialize`, stopped after the test (or the block, with `once`). */
  spawn(opts?: Pick<StartOptions, 'folder' | 'env'>): TestBackend;
  /** Sends `initialize` for the workspace folder (or `opts.folder`), as the extension does. */
  initialize(backend: TestBackend, opts?: Pick<StartOptions, 'trusted' | 'folder'>): Promise<RequestResult<'initialize'>>;
  /** A backend process, spawned the way the extension does and initialized. */
  start(opts?: StartOptions): Promise<TestBackend>;
}

/**
 * Registers the mocha hooks every backend integration test needs: a fresh temporary folder before,
 * and after: every backend spawned through it stopped (SIGKILL if still running), then the folder
 * removed. Call it at the top of a `describe`; hooks the file registers later run after these
 * before-hooks and after these after-hooks.
 */
export function useBackendWorkspace(options: BackendWorkspaceOptions = {}): BackendWorkspace {
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  const started: TestBackend[] = [];
  const currentDir = (): string => {
    if (!tmp) throw new Error('the backend workspace exists only inside its describe block’s tests and hooks');
    return tmp.dir;
  };
  const setUp = (): void => {
    tmp = makeTempDir(options.prefix);
  };
  const tearDown = async (): Promise<void> => {
    for (const b of started.splice(0)) await b.stop();
    await options.beforeCleanup?.();
    tmp?.cleanup();
    tmp = undefined;
  };
  if (options.once) {
    before(setUp);
    after(tearDown);
  } else {
    beforeEach(setUp);
    afterEach(tearDown);
  }

  const spawn = (opts: Pick<StartOptions, 'folder' | 'env'> = {}): TestBackend => {
    const b = new TestBackend(opts.folder ?? currentDir(), opts.env);
    started.push(b);
    return b;
  };
  const initialize = (b: TestBackend, opts: Pick<StartOptions, 'trusted' | 'folder'> = {}) =>
    b.request('initialize', {
      workspaceFolder: opts.folder ?? currentDir(),
      protocolVersion: PROTOCOL_VERSION,
      ...(opts.trusted === undefined ? {} : { trusted: opts.trusted }),
    });
  return {
    get dir() {
      return currentDir();
    },
    spawn,
    initialize,
    async start(opts: StartOptions = {}) {
      const b = spawn(opts);
      await initialize(b, opts);
      return b;
    },
  };
}
