// The public API: what other projects use. Everything else stays inside.
export {
  DEFAULT_RECONNECT,
  type ReconnectPolicy,
  createProducerConnection,
  reconnectDelay,
  redisOptionsFromUrl,
  workerRedisOptions,
} from './lib/redis-connection';
export { ReplicaRegistration, ReplicaWatcher, liveReplicas } from './lib/replica-registry';
