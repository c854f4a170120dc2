import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobCallback, JobStatus } from '@ai/contracts';
import type { HttpAnswer, HttpClient } from '@ai/http-client';
import type { RequestResult, ScheduledRequest } from '@ai/workload';
import type { CallbackReceiver } from './callback-receiver';
import type { RequestBodies } from './request-bodies';

export type CollectMode = 'callback' | 'poll' | 'sync';

export interface DispatcherExecutorOptions {
  target: string;
  model: string;
  /** Images or prompts: what the requests carry. */
  bodies: RequestBodies;
  sender: HttpClient;
  collect: CollectMode;
  /** Needed for `callback`: where the dispatcher POSTs results, and who matches them. */
  callbackUrl?: string;
  receiver?: CallbackReceiver;
  /** The run's time origin (performance.now()); results are reported in ms from it. */
  origin: number;
  /** Poll interval for `poll` (and after a sync 504). Default 50 ms. */
  pollIntervalMs?: number;
}

type Timed = Pick<JobCallback, 'status' | 'failedReason' | 'timings' | 'jobId' | 'result'>;

/** Tokens generated, when the job's result is a GenerateResponse; undefined for other models. */
export function generatedTokens(result: unknown): number | undefined {
  const tokens = (result as { tokens?: unknown } | null | undefined)?.tokens;
  return typeof tokens === 'number' && Number.isInteger(tokens) && tokens >= 0 ? tokens : undefined;
}

/** A short, bounded failure code: reasons become report categories, so ids and numbers are cut off. */
function failureReason(prefix: string, detail?: string): string {
  if (!detail) return prefix;
  return `${prefix}: ${detail.replace(/\s+/g, ' ').slice(0, 60)}`;
}

function parse<T>(answer: HttpAnswer): T | undefined {
  try {
    return JSON.parse(answer.body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * Sends one request to the dispatcher and collects its result: POST /enqueue then the callback
 * (`callback`), POST /enqueue then GET /jobs/:id until done (`poll`), or POST /infer (`sync`, polling after
 * a 504). The timings reported are the same in every mode: queue wait and inference time from the job.
 */
export function dispatcherExecutor(options: DispatcherExecutorOptions) {
  const { sender, collect, origin } = options;
  const base = options.target.replace(/\/$/, '');
  const enqueueUrl = new URL(`${base}/enqueue`);
  const inferUrl = new URL(`${base}/infer`);
  const receiver = options.receiver;
  if (collect === 'callback' && (!options.callbackUrl || !receiver)) throw new Error('callback collection needs a callbackUrl and a receiver');
  const prefixes = options.bodies.bodyPrefixes(options.model, collect === 'callback' ? options.callbackUrl : undefined);
  const pollInterval = options.pollIntervalMs ?? 50;
  const elapsed = () => performance.now() - origin;
  const epochOrigin = performance.timeOrigin + origin;

  const finished = (job: Timed, doneAtMs: number, extra: Partial<RequestResult>): RequestResult => ({
    ...extra,
    outcome: job.status === 'completed' ? 'completed' : 'failed',
    reason: job.status === 'completed' ? undefined : failureReason('job_failed', job.failedReason),
    jobId: job.jobId,
    queueWaitMs: job.timings.queueWaitMs,
    inferenceMs: job.timings.inferenceMs,
    ...(job.status === 'completed' && { tokens: generatedTokens(job.result) }),
    doneAtMs,
  });

  const poll = async (jobId: string, signal: AbortSignal, extra: Partial<RequestResult>): Promise<RequestResult> => {
    const url = new URL(`${base}/jobs/${encodeURIComponent(jobId)}`);
    for (;;) {
      await sleep(pollInterval, undefined, { signal });
      const answer = await sender.get(url, signal);
      const observedAt = elapsed();
      if (answer.status !== 200) {
        if (answer.status >= 500 || answer.status === 404) continue; // not visible yet, or a blip: keep polling
        return { ...extra, jobId, outcome: 'failed', reason: `poll_${answer.status}` };
      }
      const job = parse<JobStatus>(answer);
      if (!job || (job.state !== 'completed' && job.state !== 'failed')) continue;
      // The job's own finish time, when it lies between the send and now, is more exact than when we looked.
      const finishedAt = job.timings.finishedAt !== undefined ? job.timings.finishedAt - epochOrigin : observedAt;
      const doneAt = Math.min(observedAt, Math.max(extra.acceptedAtMs ?? 0, finishedAt));
      return finished({ ...job, status: job.state }, doneAt, extra);
    }
  };

  return async (request: ScheduledRequest, signal: AbortSignal): Promise<RequestResult> => {
    const clientRef = String(request.seq);
    const body = [prefixes[request.seq % prefixes.length], Buffer.from(`${clientRef}"}`)];
    if (collect === 'sync') {
      const answer = await sender.postJson(inferUrl, body, signal);
      const extra = { status: answer.status, acceptedAtMs: elapsed() };
      if (answer.status === 200) {
        const job = parse<JobStatus>(answer);
        if (!job?.timings) return { ...extra, outcome: 'failed', reason: 'infer_bad_body' };
        return finished({ ...job, status: 'completed' }, extra.acceptedAtMs, extra);
      }
      const error = parse<{ error?: { code?: string; message?: string; jobId?: string } }>(answer)?.error;
      if (answer.status === 504 && error?.jobId) return poll(error.jobId, signal, extra);
      return { ...extra, outcome: 'failed', reason: failureReason(`infer_${answer.status}`, error?.code) };
    }

    const callback = collect === 'callback' ? receiver?.expect(clientRef, signal) : undefined;
    // The callback wait rejects on abort like the request; keep it from surfacing as unhandled meanwhile.
    callback?.catch(() => undefined);
    let answer: HttpAnswer;
    try {
      answer = await sender.postJson(enqueueUrl, body, signal);
    } catch (error) {
      receiver?.forget(clientRef);
      throw error;
    }
    const extra = { status: answer.status, acceptedAtMs: elapsed() };
    const accepted = parse<{ jobId?: string; error?: { code?: string } }>(answer);
    if (answer.status !== 202 || !accepted?.jobId) {
      receiver?.forget(clientRef);
      return { ...extra, outcome: 'failed', reason: failureReason(`enqueue_${answer.status}`, accepted?.error?.code) };
    }
    if (!callback) return poll(accepted.jobId, signal, { ...extra, jobId: accepted.jobId });
    const arrived = await callback;
    return finished(arrived.callback, arrived.at - origin, { ...extra, jobId: accepted.jobId });
  };
}
