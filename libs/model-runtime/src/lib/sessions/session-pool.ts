import type { TensorMap } from '../batching/dynamic-batcher';
import { WorkerSession, type RunnableSession } from './worker-session';

export interface SessionPoolOptions {
  /**
   * An instance for a run that finds every other instance idle and no run waiting: one that spreads a run over
   * every core, the fastest way to run alone. Runs side by side go to the other instances instead.
   */
  solo?: RunnableSession;
}

/**
 * Several instances of one model, each its own session (and, on worker threads, its own thread), served as one:
 * each run goes to an idle instance, or waits for the first to become free. This is Triton's instance group. On
 * a CPU, instances with fewer intra-op threads each run side by side without the per-operator barriers that one
 * session's threads synchronise on, so a core held up by other work (image decoding) delays one run, not every run.
 *
 * With a `solo` instance, a run that would have the machine to itself takes it instead: a session of every core
 * is faster alone, but side by side with other work its threads wait for each other at every operator (and the
 * waiting thread spins, burning the core it waits on), so under load the one-core instances do the work.
 */
export class SessionPool implements RunnableSession {
  private readonly idle: RunnableSession[];
  private readonly waiting: ((session: RunnableSession) => void)[] = [];
  private readonly solo: RunnableSession | undefined;
  private soloBusy = false;

  constructor(
    readonly instances: readonly RunnableSession[],
    options: SessionPoolOptions = {},
  ) {
    if (instances.length === 0) throw new Error('a session pool needs at least one session');
    this.idle = [...instances];
    this.solo = options.solo;
  }

  /** Runs that can go on at once: the instances beside the solo one. */
  get size(): number {
    return this.instances.length;
  }

  /** Every session of the pool, the solo one last. */
  get sessions(): readonly RunnableSession[] {
    return this.solo ? [...this.instances, this.solo] : this.instances;
  }

  get inputNames(): readonly string[] {
    return this.instances[0].inputNames;
  }

  get outputNames(): readonly string[] {
    return this.instances[0].outputNames;
  }

  /** Runs on an idle instance, or on the first to become free. */
  run(feeds: TensorMap): Promise<TensorMap> {
    return this.runOn((session) => session.run(feeds), true);
  }

  /**
   * Like `run`, but instances on worker threads get the input buffers moved to them rather than copied (see
   * {@link WorkerSession.runMovingInputs}): the caller must not use the inputs afterwards.
   */
  runMovingInputs(feeds: TensorMap): Promise<TensorMap> {
    return this.runBatch(feeds, { owned: true, alone: true });
  }

  /**
   * A batcher's run: `owned` inputs may be moved (see `runMovingInputs`); `alone` says nothing else is waiting to
   * run. Only such a run may take the solo instance: under load, a batch behind it would soon run beside it, and
   * a session of every core beside other runs wastes a core spinning at every operator.
   */
  runBatch(feeds: TensorMap, { owned, alone }: { owned: boolean; alone: boolean }): Promise<TensorMap> {
    return this.runOn((session) => (owned && session instanceof WorkerSession ? session.runMovingInputs(feeds) : session.run(feeds)), alone);
  }

  private async runOn(run: (session: RunnableSession) => Promise<TensorMap>, alone: boolean): Promise<TensorMap> {
    if (alone && this.solo && !this.soloBusy && this.idle.length === this.instances.length && this.waiting.length === 0) {
      this.soloBusy = true;
      try {
        return await run(this.solo);
      } finally {
        this.soloBusy = false;
      }
    }
    const session = this.idle.pop() ?? (await new Promise<RunnableSession>((resolve) => this.waiting.push(resolve)));
    try {
      return await run(session);
    } finally {
      const next = this.waiting.shift();
      if (next) next(session);
      else this.idle.push(session);
    }
  }

  /** Told when any instance's worker thread dies (instances on the calling thread cannot). */
  onUnexpectedExit(listener: (error: Error) => void): void {
    for (const session of this.sessions) if (session instanceof WorkerSession) session.onUnexpectedExit(listener);
  }

  async release(): Promise<void> {
    await Promise.all(this.sessions.map((session) => session.release()));
  }
}
