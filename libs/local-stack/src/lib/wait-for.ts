/** Polls `check` until it returns a truthy value, or until `timeoutMs` passes (then throws naming `what`) or `signal` aborts. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  intervalMs = 50,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves once GET `url` answers with a 2xx. */
export async function waitForHttpOk(url: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(`GET ${url}`, async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok, timeoutMs, 100);
}
