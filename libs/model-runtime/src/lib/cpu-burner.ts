import { Worker } from 'node:worker_threads';

/**
 * Spins the calling thread for `seconds` of wall time. Used for the per-request artificial CPU cost that makes
 * autoscaling visible on small models; it blocks the event loop on purpose, like a CPU-bound model would.
 */
export function burnCpuSync(seconds: number): void {
  if (!(seconds > 0)) return;
  const until = performance.now() + seconds * 1000;
  let x = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 10_000; i += 1) x += Math.sqrt(i + x);
  }
  if (x === -1) throw new Error('unreachable: keeps the loop from being optimised away');
}

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const until = performance.now() + workerData.seconds * 1000;
let x = 0;
while (performance.now() < until) { for (let i = 0; i < 10000; i += 1) x += Math.sqrt(i + x); }
parentPort.postMessage(x === -1 ? 1 : 0);
`;

/**
 * Spins one worker thread per requested core for `seconds`, leaving the event loop free so probes and requests
 * are still answered while the process shows high CPU (the autoscaling demo's `/load`).
 */
export async function burnCpuInWorkers(seconds: number, threads = 1): Promise<void> {
  if (!(seconds > 0)) return;
  await Promise.all(
    Array.from({ length: Math.max(1, threads) }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { seconds } });
      return new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', () => resolve());
      });
    }),
  );
}
