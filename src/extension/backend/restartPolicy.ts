/**
 * When to restart a backend that died. Pure (no `vscode`), so it is unit-tested directly.
 * Exponential backoff; a backend that stayed up long enough counts as healthy again; after too
 * many failures in a row we stop and tell the user instead of looping forever.
 */
export interface RestartPolicyOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxConsecutiveFailures: number;
  /** Uptime after which a crash no longer counts as "in a row". */
  readonly healthyAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  initialDelayMs: 500,
  maxDelayMs: 15_000,
  maxConsecutiveFailures: 5,
  healthyAfterMs: 60_000,
};

export type RestartDecision = { action: 'restart'; delayMs: number; attempt: number } | { action: 'give-up'; failures: number };

export class RestartPolicy {
  private consecutiveFailures = 0;

  constructor(private readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** Called when the process exited unexpectedly after running for `uptimeMs`. */
  onCrash(uptimeMs: number): RestartDecision {
    if (uptimeMs >= this.options.healthyAfterMs) this.consecutiveFailures = 0;
    this.consecutiveFailures++;
    if (this.consecutiveFailures > this.options.maxConsecutiveFailures) {
      return { action: 'give-up', failures: this.consecutiveFailures - 1 };
    }
    const delayMs = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** (this.consecutiveFailures - 1));
    return { action: 'restart', delayMs, attempt: this.consecutiveFailures };
  }

  /** A manual restart starts counting afresh. */
  reset(): void {
    this.consecutiveFailures = 0;
  }
}
