import { performance } from 'node:perf_hooks';
import type { JobCallback } from '@ai/contracts';

export interface ArrivedCallback {
  callback: JobCallback;
  /** performance.now() when it arrived. */
  at: number;
}

/**
 * Matches job callbacks to the requests waiting for them by `clientRef` (the request's sequence number).
 * A request registers before it sends /enqueue, so a callback that overtakes the 202 still finds it; a
 * callback for nobody (late, after a timeout, or from another run) is counted and dropped.
 */
export class CallbackReceiver {
  private readonly waiting = new Map<string, (arrived: ArrivedCallback) => void>();
  unmatched = 0;
  received = 0;

  /** Resolves when the callback for `clientRef` arrives; rejects when `signal` aborts. */
  expect(clientRef: string, signal: AbortSignal): Promise<ArrivedCallback> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(clientRef);
        reject(signal.reason ?? new Error('aborted'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(clientRef, (arrived) => {
        signal.removeEventListener('abort', onAbort);
        resolve(arrived);
      });
    });
  }

  /** Stops waiting for `clientRef` (its enqueue failed). */
  forget(clientRef: string): void {
    this.waiting.delete(clientRef);
  }

  /** Delivers one callback; returns whether a request was waiting for it. */
  deliver(callback: JobCallback): boolean {
    this.received += 1;
    const arrived = { callback, at: performance.now() };
    const ref = callback.clientRef;
    const resolve = ref === undefined ? undefined : this.waiting.get(ref);
    if (!resolve) {
      this.unmatched += 1;
      return false;
    }
    this.waiting.delete(ref as string);
    resolve(arrived);
    return true;
  }

  get pending(): number {
    return this.waiting.size;
  }
}
