import { startNodeService, type RunningNodeService } from '@ai/local-stack';
import { LOAD_TESTER_ENTRY } from './stack';

/** Starts `load-tester serve` as a real process on a free port. */
export function startLoadTesterServer(env: Record<string, string>): Promise<RunningNodeService> {
  return startNodeService({ name: 'load-tester serve', entry: LOAD_TESTER_ENTRY, args: ['serve'], env, readyPath: '/health', readyTimeoutMs: 120_000 });
}
