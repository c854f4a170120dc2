import { usableCores } from '@ai/model-runtime';

/**
 * libuv's thread pool, where sharp decodes images, has 4 threads whatever the machine; libuv reads its size once,
 * when the pool is first used. On 2 cores, 4 decodes at once beside the model's threads only take turns on the
 * same cores (and use more CPU doing so): one thread per usable core (at least 2) unless UV_THREADPOOL_SIZE says
 * otherwise. Imported first by main.ts: loading modules (sharp and onnxruntime included) does not start the pool;
 * the first decode or asynchronous file read does, and by then the size is set.
 */
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(Math.max(2, usableCores()));
