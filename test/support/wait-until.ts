/**
 * Polls `check` until it returns something other than undefined/false, and resolves with it;
 * rejects naming `what` (and the last value seen) once `timeoutMs` has passed. A bounded poll
 * for state that no event announces (a row count, a file on a peer, a lease running out).
 *
 * @example
 * const run = await waitUntil(async () => (await getRun(storage, id))?.status === 'running' || undefined, { what: 'the run to start' });
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { what: string; timeoutMs?: number; intervalMs?: number; describe?: () => Promise<string> | string },
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const detail = options.describe ? `: ${await options.describe()}` : '';
      throw new Error(`timed out waiting for ${options.what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
