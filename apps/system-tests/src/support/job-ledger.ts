import { waitFor } from '@ai/local-stack';

export type Outcome = 'completed' | 'failed' | 'pending';

export interface LedgerCounts {
  accepted: number;
  completed: number;
  failed: number;
  /** Accepted jobs that are neither completed nor failed (or that the dispatcher no longer knows). */
  pending: number;
  /** Enqueue calls that got no 202: rejected (4xx/5xx) or no answer at all. */
  notAccepted: number;
  /** Enqueue calls whose connection broke after the request was sent: the client cannot know (must be 0). */
  brokenAnswers: number;
  failedReasons: string[];
}

/**
 * Every job a test enqueued and what became of it, read back with GET /jobs/:id: the ground truth for
 * "accepted = completed + failed, lost = 0".
 */
export class JobLedger {
  private readonly outcomes = new Map<string, Outcome>();
  private readonly reasons = new Map<string, string>();
  notAccepted = 0;
  brokenAnswers = 0;

  constructor(private readonly dispatcherUrl: () => string) {}

  /** POSTs one item to /enqueue (of `baseUrl`, default the ledger's dispatcher) and records the job if accepted. */
  async enqueue(item: Record<string, unknown>, baseUrl = this.dispatcherUrl()): Promise<string | undefined> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(item),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      // Refused connections never reached a server (a balancer would pick another pod): not accepted.
      // Anything else (reset, timeout) left the client not knowing whether the job exists.
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code === 'ECONNREFUSED') this.notAccepted += 1;
      else this.brokenAnswers += 1;
      return undefined;
    }
    const body = (await response.json().catch(() => ({}))) as { jobId?: string };
    if (response.status !== 202 || !body.jobId) {
      this.notAccepted += 1;
      return undefined;
    }
    this.outcomes.set(body.jobId, 'pending');
    return body.jobId;
  }

  get accepted(): string[] {
    return [...this.outcomes.keys()];
  }

  /** Polls every unfinished job, at most `parallel` requests at once. */
  async refresh(parallel = 16): Promise<void> {
    const pending = [...this.outcomes].filter(([, outcome]) => outcome === 'pending').map(([id]) => id);
    let next = 0;
    const lane = async () => {
      while (next < pending.length) {
        const id = pending[next++];
        try {
          const response = await fetch(`${this.dispatcherUrl()}/jobs/${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(10_000) });
          if (!response.ok) continue;
          const status = (await response.json()) as { state?: string; failedReason?: string };
          if (status.state === 'completed') this.outcomes.set(id, 'completed');
          if (status.state === 'failed') {
            this.outcomes.set(id, 'failed');
            this.reasons.set(id, status.failedReason ?? '');
          }
        } catch {
          // The dispatcher or Redis may be away during a fault: try again on the next round.
        }
      }
    };
    await Promise.all(Array.from({ length: parallel }, lane));
  }

  /** Waits (bounded) until every accepted job is completed or failed; resolves either way with the counts. */
  async settle(timeoutMs: number): Promise<LedgerCounts> {
    await waitFor(
      'every accepted job to finish',
      async () => {
        await this.refresh();
        return this.counts().pending === 0;
      },
      timeoutMs,
      500,
    ).catch(() => undefined);
    return this.counts();
  }

  counts(): LedgerCounts {
    const values = [...this.outcomes.values()];
    return {
      accepted: values.length,
      completed: values.filter((v) => v === 'completed').length,
      failed: values.filter((v) => v === 'failed').length,
      pending: values.filter((v) => v === 'pending').length,
      notAccepted: this.notAccepted,
      brokenAnswers: this.brokenAnswers,
      failedReasons: [...new Set(this.reasons.values())].slice(0, 5),
    };
  }
}
