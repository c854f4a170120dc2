import { startNodeService, startRedisServer, type RunningNodeService, type RunningRedisServer } from '@ai/local-stack';
import { CallbackReceiver } from './callback-receiver';
import { modelRepository } from './model-repository';
import { ServiceBalancer } from './service-balancer';

export const INFERENCE_ENTRY = 'apps/inference/src/main.ts';
export const DISPATCHER_ENTRY = 'apps/dispatcher/src/main.ts';
export const LOAD_TESTER_ENTRY = 'apps/load-tester/src/main.ts';

/** Processes started by tsx on a busy 2-core machine take a while: generous, never tight. */
export const READY_TIMEOUT_MS = 120_000;

/** One inference process serving `model` from the test model repository (on `port` when restarting one). */
export function startInferenceProcess(model: string, env: Record<string, string> = {}, port?: number): Promise<RunningNodeService> {
  return startNodeService({
    name: 'inference',
    entry: INFERENCE_ENTRY,
    port,
    readyPath: '/readyz',
    readyTimeoutMs: READY_TIMEOUT_MS,
    env: { MODEL_REPOSITORY: modelRepository(), MODEL_NAME: model, ORT_PROVIDERS: 'cpu', ORT_INTRA_OP_THREADS: '1', SHUTDOWN_GRACE_MS: '10000', ...env },
  });
}

export interface StackOptions {
  /** Inference processes for the model (0 for none). Default 1. */
  inferenceCount?: number;
  model?: string;
  inferenceEnv?: Record<string, string>;
  /** Dispatcher processes with ROLE=all (or the role given in dispatcherEnv). Default 1. */
  dispatcherCount?: number;
  dispatcherEnv?: Record<string, string>;
  /** Extra dispatcher processes with ROLE=worker. Default 0. */
  workerCount?: number;
  /**
   * Put the inference processes behind one balancer address, as a Kubernetes Service does, instead of
   * giving the dispatcher every process's URL. Default false.
   */
  behindService?: boolean;
}

/**
 * Redis (AOF on, as the chart and compose run it) + inference + dispatcher (+ worker-only dispatchers) + a
 * callback receiver, each a real process on 127.0.0.1 on its own free port. Processes can be killed and started
 * again on the same port, as a restarted pod behind a Service would be.
 */
export class Stack {
  readonly inference: RunningNodeService[] = [];
  readonly dispatchers: RunningNodeService[] = [];
  readonly workers: RunningNodeService[] = [];
  readonly receiver = new CallbackReceiver();
  service?: ServiceBalancer;
  private inferencePorts: number[] = [];

  private constructor(
    readonly redis: RunningRedisServer,
    private readonly options: Required<StackOptions>,
  ) {}

  static async start(options: StackOptions = {}): Promise<Stack> {
    const resolved: Required<StackOptions> = {
      inferenceCount: 1,
      model: 'digits-cnn',
      inferenceEnv: {},
      dispatcherCount: 1,
      dispatcherEnv: {},
      workerCount: 0,
      behindService: false,
      ...options,
    };
    const stack = new Stack(await startRedisServer({ appendOnly: true }), resolved);
    try {
      await stack.receiver.up();
      for (let i = 0; i < resolved.inferenceCount; i += 1) stack.inference.push(await stack.startInference());
      stack.inferencePorts = stack.inference.map((service) => service.port);
      if (resolved.behindService) {
        stack.service = new ServiceBalancer(stack.inference.map((service) => service.url));
        await stack.service.start();
      }
      for (let i = 0; i < resolved.dispatcherCount; i += 1) stack.dispatchers.push(await stack.startDispatcher());
      for (let i = 0; i < resolved.workerCount; i += 1) stack.workers.push(await stack.startDispatcher({ ROLE: 'worker' }));
    } catch (error) {
      await stack.dispose();
      throw error;
    }
    return stack;
  }

  /** The dispatcher's INFERENCE_URLS value: the Service, or every inference process (round-robin). */
  get inferenceUrls(): string {
    if (this.service) return `${this.options.model}=${this.service.url}`;
    return `${this.options.model}=${this.inferencePorts.map((port) => `http://127.0.0.1:${port}`).join('|')}`;
  }

  get dispatcherUrl(): string {
    return this.dispatchers[0].url;
  }

  /** Starts one inference process (on `port` when restarting one). */
  async startInference(port?: number, env: Record<string, string> = {}): Promise<RunningNodeService> {
    return startInferenceProcess(this.options.model, { ...this.options.inferenceEnv, ...env }, port);
  }

  /** Kills inference process `index` with `signal`, then (unless `restart` is false) starts it on the same port. */
  async restartInference(index: number, signal: NodeJS.Signals, gapMs = 0): Promise<void> {
    const old = this.inference[index];
    await old.stop(signal);
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    this.inference[index] = await this.startInference(old.port);
  }

  /** Starts a dispatcher process wired to this stack's Redis and inference processes. */
  async startDispatcher(env: Record<string, string> = {}, port?: number): Promise<RunningNodeService> {
    return startNodeService({
      name: `dispatcher${env.ROLE ? ` (${env.ROLE})` : ''}`,
      entry: DISPATCHER_ENTRY,
      port,
      readyPath: '/ready',
      readyTimeoutMs: READY_TIMEOUT_MS,
      env: {
        REDIS_URL: this.redis.url,
        INFERENCE_URLS: this.inferenceUrls,
        CALLBACK_ALLOWLIST: '127.0.0.1,localhost',
        DRAIN_RATE: '0',
        SHUTDOWN_GRACE_MS: '15000',
        ...this.options.dispatcherEnv,
        ...env,
      },
    });
  }

  /** Every process of the stack that is still running (for RSS and CPU samples). */
  processes(): { name: string; pid: number; url: string }[] {
    return [...this.inference, ...this.dispatchers, ...this.workers]
      .filter((service) => service.process.exitCode === null && service.process.signalCode === null)
      .map((service) => ({ name: service.name, pid: service.process.pid ?? 0, url: service.url }));
  }

  /** Stops everything (SIGKILL after a grace, so a hung process cannot hang the suite). */
  async dispose(): Promise<void> {
    const services = [...this.workers, ...this.dispatchers, ...this.inference];
    await Promise.all(
      services.map(async (service) => {
        const timer = setTimeout(() => service.process.kill('SIGKILL'), 20_000);
        await service.stop('SIGTERM');
        clearTimeout(timer);
      }),
    );
    await this.service?.stop();
    await this.receiver.down();
    await this.redis.dispose();
  }
}
