export * from './lib/free-port';
export * from './lib/wait-for';
export * from './lib/redis-server';
export * from './lib/node-service';
export * from './lib/replica-pool';
