import type { JobCallback } from '@ai/contracts';
import type { CallbackAllowlist } from './callback-allowlist';
import { postJson } from './http-post';

export interface CallbackNotifierOptions {
  allowlist: CallbackAllowlist;
  /** Deliveries tried in all; default 5. */
  attempts?: number;
  /** First retry delay, doubled each time; default 200 ms. */
  backoffMs?: number;
  /** Per-delivery timeout; default 5 000 ms. */
  timeoutMs?: number;
  /** Told the outcome of every callback, for metrics and logs. */
  onOutcome?: (outcome: 'delivered' | 'failed' | 'rejected', url: string, detail?: string) => void;
}

/**
 * POSTs a JobCallback to a job's callbackUrl, retrying with exponential backoff. Redirects are never
 * followed (a redirect could point anywhere, defeating the allowlist), so a 3xx counts as a failure.
 * Deliveries run in the background; `close()` waits for the ones in flight.
 */
export class CallbackNotifier {
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly closing = new AbortController();

  constructor(private readonly options: CallbackNotifierOptions) {
    this.attempts = Math.max(1, options.attempts ?? 5);
    this.backoffMs = options.backoffMs ?? 200;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Starts delivering in the background. */
  notify(url: string, body: JobCallback): void {
    const delivery = this.deliver(url, body).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
  }

  /** Delivers now; resolves true when the receiver answered 2xx. Never throws. */
  async deliver(url: string, body: JobCallback): Promise<boolean> {
    if (!this.options.allowlist.allows(url)) {
      this.options.onOutcome?.('rejected', url, 'host not in CALLBACK_ALLOWLIST');
      return false;
    }
    const payload = JSON.stringify(body);
    let detail = '';
    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      try {
        const response = await postJson(new URL(url), payload, this.timeoutMs, undefined, {
          'x-request-id': body.jobId.replace(/[^A-Za-z0-9._:-]/g, '').slice(0, 128),
        });
        if (response.ok) {
          this.options.onOutcome?.('delivered', url);
          return true;
        }
        detail = `status ${response.status}`;
        // 4xx other than 408/429 will not change on retry.
        if (response.status >= 300 && response.status < 500 && response.status !== 408 && response.status !== 429) break;
      } catch (error) {
        detail = String((error as Error)?.message ?? error);
      }
      if (attempt < this.attempts && !this.closing.signal.aborted) await this.sleep(this.backoffMs * 2 ** (attempt - 1));
      if (this.closing.signal.aborted) break;
    }
    this.options.onOutcome?.('failed', url, detail);
    return false;
  }

  /** Deliveries in flight. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Waits for deliveries in flight (up to `graceMs`), cutting retry backoffs short. */
  async close(graceMs = 5_000): Promise<void> {
    const timer = setTimeout(() => this.closing.abort(), graceMs);
    timer.unref();
    await Promise.all([...this.pending]);
    clearTimeout(timer);
    this.closing.abort();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.closing.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}
