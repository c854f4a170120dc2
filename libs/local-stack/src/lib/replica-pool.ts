import { startNodeService, type NodeServiceOptions, type RunningNodeService } from './node-service';

/** How many processes of the pool are in each phase. */
export interface PoolCounts {
  /** Asked for: what `scaleTo` was last given (a Deployment's spec.replicas). */
  desired: number;
  /** Started, not yet answering on the ready path. */
  starting: number;
  /** Answering on the ready path. */
  ready: number;
  /** Sent SIGTERM, draining. */
  stopping: number;
}

interface Member {
  id: number;
  phase: 'starting' | 'ready' | 'stopping';
  service?: RunningNodeService;
  /** Set when the pool shrinks while this one is still starting: it is stopped as soon as it is up. */
  cancelled?: boolean;
}

export interface ReplicaPoolOptions {
  /** Options of every process (a fresh free port each). */
  service: Omit<NodeServiceOptions, 'port'>;
  /** A process that could not start (or died), with its output. */
  onError?: (error: Error) => void;
}

/**
 * N copies of one service, as a Deployment runs N pods: `scaleTo` starts processes (each counts as ready once its
 * ready path answers, through startNodeService) or stops the surplus with SIGTERM, so each drains as its own
 * shutdown does. Processes still starting are removed first, then the newest ready ones.
 */
export class ReplicaPool {
  private readonly members: Member[] = [];
  private desired = 0;
  private nextId = 1;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly options: ReplicaPoolOptions) {}

  counts(): PoolCounts {
    const count = (phase: Member['phase']) => this.members.filter((m) => m.phase === phase && !m.cancelled).length;
    return {
      desired: this.desired,
      starting: count('starting'),
      ready: count('ready'),
      stopping: this.members.filter((m) => m.phase === 'stopping' || m.cancelled).length,
    };
  }

  /** The ready processes (e.g. to read their /metrics). */
  ready(): RunningNodeService[] {
    return this.members.flatMap((m) => (m.phase === 'ready' && m.service ? [m.service] : []));
  }

  /** Starts or stops processes until `n` are starting or ready; returns at once (readiness follows). */
  scaleTo(n: number): void {
    this.desired = Math.max(0, Math.floor(n));
    const live = () => this.members.filter((m) => m.phase !== 'stopping' && !m.cancelled);
    while (live().length < this.desired) this.launch();
    let surplus = live().length - this.desired;
    for (const m of [...live()].reverse().sort((a, b) => Number(a.phase === 'ready') - Number(b.phase === 'ready'))) {
      if (surplus <= 0) break;
      surplus -= 1;
      if (m.phase === 'starting') m.cancelled = true;
      else this.stop(m);
    }
  }

  /** Stops every process (SIGTERM, SIGKILL after `graceMs`) and waits for all of them. */
  async close(graceMs = 30_000): Promise<void> {
    this.scaleTo(0);
    const deadline = setTimeout(() => {
      for (const m of this.members) m.service?.process.kill('SIGKILL');
    }, graceMs);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    clearTimeout(deadline);
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private launch(): void {
    const member: Member = { id: this.nextId++, phase: 'starting' };
    this.members.push(member);
    this.track(
      startNodeService({ ...this.options.service, name: `${this.options.service.name} #${member.id}` }).then(
        (service) => {
          member.service = service;
          member.phase = 'ready';
          void service.exited.then(() => {
            const unexpected = member.phase === 'ready';
            this.remove(member);
            // A Deployment replaces a pod that died; so does the pool.
            if (unexpected) this.scaleTo(this.desired);
          });
          if (member.cancelled) this.stop(member);
        },
        (error: Error) => {
          this.remove(member);
          this.options.onError?.(error);
        },
      ),
    );
  }

  private stop(member: Member): void {
    member.phase = 'stopping';
    member.cancelled = false;
    if (member.service) this.track(member.service.stop('SIGTERM'));
  }

  private remove(member: Member): void {
    const at = this.members.indexOf(member);
    if (at >= 0) this.members.splice(at, 1);
  }
}
