/** How one scheduled request ended. Exactly one per request. */
export type OutcomeKind = 'completed' | 'failed' | 'timedOut' | 'notSent';

export interface OutcomeCounts {
  scheduled: number;
  completed: number;
  failed: number;
  timedOut: number;
  notSent: number;
}

const PENDING = 0;
const CODES: Record<OutcomeKind, number> = { completed: 1, failed: 2, timedOut: 3, notSent: 4 };

/**
 * How each request of a run ended, the part of `RunBooks` that keeps the counts honest: every scheduled request
 * is settled exactly once, as completed, failed (with a reason), timed out or not sent. A second settlement (a callback arriving after the timeout fired) is refused, so
 * the four counts always add up to the scheduled total.
 */
export class OutcomeLedger {
  private states = new Uint8Array(1024);
  private scheduledCount = 0;
  private readonly counts = { completed: 0, failed: 0, timedOut: 0, notSent: 0 };
  private readonly reasons = new Map<string, number>();

  /** Registers request `seq` (0-based, in order) as scheduled and unsettled. */
  schedule(seq: number): void {
    if (seq >= this.states.length) {
      const grown = new Uint8Array(Math.max(this.states.length * 2, seq + 1));
      grown.set(this.states);
      this.states = grown;
    }
    this.scheduledCount = Math.max(this.scheduledCount, seq + 1);
  }

  /** Settles `seq`; returns false (and changes nothing) when it was already settled or never scheduled. */
  settle(seq: number, kind: OutcomeKind, reason?: string): boolean {
    if (seq >= this.scheduledCount || this.states[seq] !== PENDING) return false;
    this.states[seq] = CODES[kind];
    this.counts[kind] += 1;
    if (kind === 'failed') {
      const key = reason ?? 'unknown';
      this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
    }
    return true;
  }

  isSettled(seq: number): boolean {
    return seq < this.scheduledCount && this.states[seq] !== PENDING;
  }

  /** Requests scheduled but not settled yet. */
  get pending(): number {
    return this.scheduledCount - this.counts.completed - this.counts.failed - this.counts.timedOut - this.counts.notSent;
  }

  /** Settles every remaining request in [0, total) as `kind`: the close-out of an aborted or finished run. */
  settleRemaining(total: number, kind: OutcomeKind, reason?: string): number {
    let settled = 0;
    for (let seq = 0; seq < total; seq += 1) {
      if (seq >= this.scheduledCount) this.schedule(seq);
      if (this.settle(seq, kind, reason)) settled += 1;
    }
    return settled;
  }

  totals(): OutcomeCounts {
    return { scheduled: this.scheduledCount, ...this.counts };
  }

  /** Failure counts by reason, largest first. */
  failuresByReason(): Record<string, number> {
    return Object.fromEntries([...this.reasons.entries()].sort((a, b) => b[1] - a[1]));
  }
}
