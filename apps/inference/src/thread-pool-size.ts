import { availableParallelism } from 'node:os';

/**
 * libuv's thread pool, where sharp decodes images, has 4 threads whatever the machine; libuv reads its size once,
 * when the pool is first used. On 2 cores, 4 decodes at once beside the model's threads only take turns on the
 * same cores (and use more CPU doing so): one thread per core unless UV_THREADPOOL_SIZE says otherwise. Imported
 * first by main.ts, before anything can use the pool.
 */
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(Math.max(2, availableParallelism()));
