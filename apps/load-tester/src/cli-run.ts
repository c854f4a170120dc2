import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Logger } from '@ai/observability';
import { DEFAULT_IMAGES, DEFAULT_PROMPTS, type RunArgs } from './cli-args';
import { startCallbackListener, type RunningCallbackListener } from './callback-listener';
import type { LoadTesterConfig } from './config';
import { RedisMissingError, startEmbeddedStack, type EmbeddedStack } from './embedded-stack';
import { runLoadTest, writeLoadTestReport } from './load-test';
import { prepareRun, type PreparedRun } from './prepare-run';
import { RunSetupError } from './run-setup-error';
import { summaryTable } from './summary-table';

export const EXIT = { ok: 0, sloMissed: 1, usage: 2, failed: 3 } as const;

export interface CliRunOptions {
  args: RunArgs;
  config: LoadTesterConfig;
  logger: Logger;
  /** Where progress and the summary go; default stdout. */
  out?: NodeJS.WritableStream;
  /** Aborts the run (Ctrl-C); what was started is still stopped and the report still written. */
  signal?: AbortSignal;
}

/**
 * `main.js run`: prepares the run (workload, what the requests carry), starts the stack when no --target is given, runs the workload with
 * a progress bar, writes the report, prints the summary, stops everything it started, and returns the exit
 * status (1 when an SLO was missed).
 */
export async function cliRun(options: CliRunOptions): Promise<{ exitCode: number; reportDir?: string }> {
  const { args, logger } = options;
  const out = options.out ?? process.stdout;
  const say = (line: string) => out.write(`${line}\n`);
  let prepared: PreparedRun;
  try {
    prepared = await prepareRun({
      workload: { file: args.workload },
      model: args.model,
      images: args.images,
      prompts: args.prompts,
      defaultImages: DEFAULT_IMAGES,
      defaultPrompts: DEFAULT_PROMPTS,
      generation: { max_new_tokens: args['max-new-tokens'], ...(args['generation-seed'] !== undefined && { seed: args['generation-seed'] }) },
      maxRequests: args['max-images'],
      modelRepository: options.config.MODEL_REPOSITORY,
      target: args.target,
    });
  } catch (error) {
    if (!(error instanceof RunSetupError)) throw error;
    say(error.field === 'model' ? `${error.message}; --images DIR or --prompts FILE sends those whatever the model` : error.message);
    return { exitCode: EXIT.usage };
  }
  const { rates, model, bodies, scheduled } = prepared;
  let stack: EmbeddedStack | undefined;
  let listener: RunningCallbackListener | undefined;
  try {
    if (!args.target) {
      say('No --target: starting redis-server, inference and dispatcher on this machine ...');
      const config = options.config;
      const simulatedDevice =
        config.SIMULATED_DEVICE_MS + config.SIMULATED_DEVICE_MS_PER_ITEM > 0
          ? { perBatchMs: config.SIMULATED_DEVICE_MS, perItemMs: config.SIMULATED_DEVICE_MS_PER_ITEM }
          : undefined;
      stack = await startEmbeddedStack({
        model,
        peakRate: Math.max(...rates),
        scaling: {
          autoscale: args.autoscale === 'true',
          replicas: args.replicas,
          minReplicas: args['min-replicas'],
          valuesFiles: args.values?.split(',').map((f) => resolve(f.trim())),
        },
        simulatedDevice,
        log: (line) => say(`  ${line}`),
      });
    }
    if (options.signal?.aborted) return { exitCode: EXIT.failed };
    const target = args.target ?? stack?.target ?? '';
    if (args.collect === 'callback') {
      listener = await startCallbackListener({
        port: args['callback-port'],
        host: args['callback-url'] ? '0.0.0.0' : '127.0.0.1',
        callbackUrl: args['callback-url'],
        logger,
      });
    }
    say(
      `Running ${args.workload}: ${rates.length} s, ${scheduled} requests against ${target} (${prepared.carrying}; ${args.arrivals} arrivals, results by ${args.collect})`,
    );
    const bar =
      args.progress === 'true' && (out as NodeJS.WriteStream).isTTY
        ? new SingleBar({
            format: ' {bar} {value}/{total} s | sent {sent} | done {done} | failed {failed} | in flight {inflight} | late p99 {late} ms',
            hideCursor: true,
            stream: out as NodeJS.WriteStream,
          })
        : undefined;
    bar?.start(rates.length, 0, { sent: 0, done: 0, failed: 0, inflight: 0, late: '0.00' });
    const run = await runLoadTest({
      target,
      model,
      rates,
      workloadFile: args.workload,
      bodies,
      collect: args.collect,
      arrivals: args.arrivals,
      seed: args.seed,
      timeoutMs: args.timeout * 1000,
      maxRequests: args['max-images'],
      reportsDir: resolve(args.out),
      callbackUrl: listener?.callbackUrl,
      receiver: listener?.receiver,
      prometheusUrl: options.config.PROMETHEUS_URL,
      embedded: !args.target,
      ...(stack && { scaler: stack.scaler, scalingPolicy: stack.policyDescription, simulatedDevice: stack.simulatedDevice }),
      signal: options.signal,
      onSecond: (second, progress) =>
        bar?.update(Math.min(rates.length, second.second + 1), {
          sent: progress.sent,
          done: progress.counts.completed,
          failed: progress.counts.failed + progress.counts.timedOut,
          inflight: progress.inFlight,
          late: second.latenessP99Ms.toFixed(2),
        }),
    });
    bar?.stop();
    const report = await writeLoadTestReport(run, { p99Seconds: args['slo-p99'], maxErrorRate: args['max-error-rate'] });
    say(summaryTable(report.summary, report.dir));
    return { exitCode: report.summary.slo.passed ? EXIT.ok : EXIT.sloMissed, reportDir: report.dir };
  } catch (error) {
    say(error instanceof RedisMissingError ? error.message : `load test failed: ${(error as Error).message}`);
    return { exitCode: EXIT.failed };
  } finally {
    await listener?.stop();
    await stack?.stop();
  }
}
