// The public API: what other projects use. Everything else stays inside.
export { describeRun, writeBenchmarkSection, writeDocSection } from './lib/benchmark-section';
export { freePort } from './lib/free-port';
export { type RunningNodeService, WORKSPACE_ROOT, startNodeService } from './lib/node-service';
export { type RunningRedisServer, redisServerMissingMessage, startRedisServer } from './lib/redis-server';
export { type PoolCounts, ReplicaPool } from './lib/replica-pool';
export { waitFor } from './lib/wait-for';
