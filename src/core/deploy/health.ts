/** Readiness over the Open Inference Protocol: GET <url>/v2/health/ready. */

export type Readiness = { ready: true } | { ready: false; reason: string };

/** One probe, bounded by `timeoutMs`; the reason says what answered (or did not). */
export async function probeReady(url: string, timeoutMs = 2000): Promise<Readiness> {
  try {
    const res = await fetch(`${url}/v2/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ready: true };
    return { ready: false, reason: `${url}/v2/health/ready answered ${res.status}` };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause ?? (e as Error).message);
    return { ready: false, reason: `${url}/v2/health/ready: ${why}` };
  }
}
