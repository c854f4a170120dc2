/**
 * Milliseconds from `since` until a synchronous POST /infer through the dispatcher succeeds: the system
 * serves again. Bounded by `timeoutMs`; returns undefined when it never recovered.
 */
export async function timeUntilServing(
  dispatcherUrl: () => string,
  item: Record<string, unknown>,
  since: number,
  timeoutMs: number,
): Promise<number | undefined> {
  while (Date.now() - since < timeoutMs) {
    try {
      const response = await fetch(`${dispatcherUrl()}/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(item),
        signal: AbortSignal.timeout(Math.max(1_000, timeoutMs - (Date.now() - since))),
      });
      await response.arrayBuffer();
      if (response.ok) return Date.now() - since;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}
