import type { TensorMap } from './dynamic-batcher';
import { WorkerSession, type RunnableSession } from './worker-session';

/**
 * Several instances of one model, each its own session (and, on worker threads, its own thread), served as one:
 * each run goes to an idle instance, or waits for the first to become free. This is Triton's instance group. On
 * a CPU, instances with fewer intra-op threads each run side by side without the per-operator barriers that one
 * session's threads synchronise on, so a core held up by other work (image decoding) delays one run, not every run.
 */
export class SessionPool implements RunnableSession {
  private readonly idle: RunnableSession[];
  private readonly waiting: ((session: RunnableSession) => void)[] = [];

  constructor(readonly instances: readonly RunnableSession[]) {
    if (instances.length === 0) throw new Error('a session pool needs at least one session');
    this.idle = [...instances];
  }

  get size(): number {
    return this.instances.length;
  }

  get inputNames(): readonly string[] {
    return this.instances[0].inputNames;
  }

  get outputNames(): readonly string[] {
    return this.instances[0].outputNames;
  }

  /** Runs on an idle instance, or on the first to become free. */
  run(feeds: TensorMap): Promise<TensorMap> {
    return this.runOn((session) => session.run(feeds));
  }

  /**
   * Like `run`, but instances on worker threads get the input buffers moved to them rather than copied (see
   * {@link WorkerSession.runMovingInputs}): the caller must not use the inputs afterwards.
   */
  runMovingInputs(feeds: TensorMap): Promise<TensorMap> {
    return this.runOn((session) => (session instanceof WorkerSession ? session.runMovingInputs(feeds) : session.run(feeds)));
  }

  private async runOn(run: (session: RunnableSession) => Promise<TensorMap>): Promise<TensorMap> {
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
    for (const session of this.instances) if (session instanceof WorkerSession) session.onUnexpectedExit(listener);
  }

  async release(): Promise<void> {
    await Promise.all(this.instances.map((session) => session.release()));
  }
}
