/**
 * Open-loop load: starts `send` at `ratePerSecond` until `until()` turns true or `maxMs` passes, whatever the
 * answers' latency (a closed loop would slow down exactly when a fault makes things interesting). In-flight
 * sends are capped so a stalled target cannot pile up unbounded promises.
 */
export async function driveLoad(options: {
  ratePerSecond: number;
  send: (index: number) => Promise<unknown>;
  until?: () => boolean;
  maxMs: number;
  maxInFlight?: number;
}): Promise<{ sent: number; skipped: number }> {
  const started = Date.now();
  const maxInFlight = options.maxInFlight ?? 200;
  const inFlight = new Set<Promise<unknown>>();
  let sent = 0;
  let skipped = 0;
  for (let index = 0; ; index += 1) {
    const due = started + (index * 1000) / options.ratePerSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (Date.now() - started >= options.maxMs || options.until?.()) break;
    if (inFlight.size >= maxInFlight) {
      skipped += 1;
      continue;
    }
    const promise = options
      .send(index)
      .catch(() => undefined)
      .finally(() => inFlight.delete(promise));
    inFlight.add(promise);
    sent += 1;
  }
  await Promise.all(inFlight);
  return { sent, skipped };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
