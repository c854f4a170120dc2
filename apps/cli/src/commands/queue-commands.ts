import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { EnqueueAccepted, JobStatus } from '@ai/contracts';
import { requestJson } from '../api-client';
import { CliError } from '../cli-error';
import { report, type CliIo } from '../cli-io';
import { EXIT } from '../exit-codes';
import { baseUrl, dispatcherOption } from '../service-options';

interface EnqueueOptions {
  model: string;
  prompt?: string;
  callbackUrl?: string;
  priority?: string;
  dispatcher: string;
}

function renderJob(job: JobStatus): string {
  const t = job.timings;
  const timing = [
    t.queueWaitMs !== undefined && `queue wait ${t.queueWaitMs} ms`,
    t.inferenceMs !== undefined && `inference ${t.inferenceMs} ms`,
    t.e2eMs !== undefined && `end to end ${t.e2eMs} ms`,
  ]
    .filter(Boolean)
    .join(', ');
  const lines = [`${job.jobId}  ${job.model}  ${job.state}  attempts ${job.attempts}${timing ? `  (${timing})` : ''}`];
  if (job.failedReason) lines.push(`  failed: ${job.failedReason}`);
  if (job.result !== undefined) lines.push(`  result: ${JSON.stringify(job.result)}`);
  return lines.join('\n');
}

/** `enqueue`, `job ID` and `dead-letter MODEL`: the dispatcher's queue from the terminal. */
export function queueCommands(program: Command, io: () => CliIo): void {
  program
    .command('enqueue')
    .description("put one image (or a --prompt) on a model's queue and print the job id")
    .argument('[image]', 'image file; omit with --prompt')
    .option('-m, --model <name>', 'model (queue)', 'digits-cnn')
    .option('-p, --prompt <text>', 'a prompt for a text-generation model instead of an image')
    .option('--callback-url <url>', 'where the dispatcher POSTs the result when the job ends')
    .option('--priority <n>', '0 (default) is served first; larger numbers wait')
    .addOption(dispatcherOption())
    .action(async (image: string | undefined, options: EnqueueOptions) => {
      if ((image === undefined) === (options.prompt === undefined)) throw new CliError('give an image file or --prompt (one of them)', EXIT.usage);
      if (image !== undefined && !existsSync(image)) throw new CliError(`${image}: no such file`, EXIT.usage);
      const body = {
        model: options.model,
        ...(image !== undefined ? { image: readFileSync(image).toString('base64') } : { prompt: options.prompt }),
        ...(options.callbackUrl && { callbackUrl: options.callbackUrl }),
        ...(options.priority !== undefined && { priority: Number(options.priority) }),
      };
      const accepted = await requestJson<EnqueueAccepted>({ url: `${baseUrl(options.dispatcher)}/enqueue`, body, service: 'dispatcher' });
      report(io(), accepted, (a) => a.jobId);
    });

  program
    .command('job')
    .description("a job's state, attempts, timings and result (exit status 1 when it failed)")
    .argument('<id>', 'job id, as enqueue printed it')
    .addOption(dispatcherOption())
    .action(async (id: string, options: { dispatcher: string }) => {
      const job = await requestJson<JobStatus>({ url: `${baseUrl(options.dispatcher)}/jobs/${encodeURIComponent(id)}`, service: 'dispatcher' });
      report(io(), job, renderJob);
      if (job.state === 'failed') throw new CliError(`job ${job.jobId} failed`, EXIT.failed);
    });

  program
    .command('dead-letter')
    .description('the jobs of a model that finally failed, newest first')
    .argument('<model>', 'model (queue)')
    .option('--count <n>', 'at most this many', '50')
    .addOption(dispatcherOption())
    .action(async (model: string, options: { dispatcher: string; count: string }) => {
      const url = `${baseUrl(options.dispatcher)}/dead-letter/${encodeURIComponent(model)}?count=${encodeURIComponent(options.count)}`;
      const answer = await requestJson<{ model: string; jobs: JobStatus[] }>({ url, service: 'dispatcher' });
      report(io(), answer, (a) => (a.jobs.length === 0 ? `${a.model}: no failed jobs` : a.jobs.map(renderJob).join('\n')));
    });
}
