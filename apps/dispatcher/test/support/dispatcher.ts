import { randomUUID } from 'node:crypto';
import { waitFor } from '@ai/local-stack';
import { configFor } from '../../src/config';
import { start, type RunningDispatcher } from '../../src/server';

/** Response bodies as tests read them: loosely typed JSON, checked by the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A unique Redis key prefix, so tests sharing one redis-server never see each other's queues. */
export function uniquePrefix(): string {
  return 't' + randomUUID().slice(0, 8);
}

/** Starts the dispatcher in this process on a free port, quiet, with short stalled checks. */
export function startDispatcher(env: Record<string, string | number>): Promise<RunningDispatcher> {
  return start(
    configFor({
      PORT: 0,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      STALLED_INTERVAL_MS: 500,
      LOCK_DURATION_MS: 2_000,
      SHUTDOWN_GRACE_MS: 5_000,
      ...env,
    }),
  );
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; headers: Headers; body: Json }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function getJson(url: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Polls GET /jobs/:id until the job is completed or failed. */
export async function waitForJob(baseUrl: string, jobId: string, timeoutMs = 20_000): Promise<Json> {
  return waitFor(
    `job ${jobId} to finish`,
    async () => {
      const { status, body } = await getJson(`${baseUrl}/jobs/${jobId}`);
      return status === 200 && (body.state === 'completed' || body.state === 'failed') ? body : undefined;
    },
    timeoutMs,
    50,
  );
}
