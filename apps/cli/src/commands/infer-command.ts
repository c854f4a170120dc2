import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { InferResponse, JobStatus, LabelScore } from '@ai/contracts';
import { requestJson } from '../api-client';
import { CliError } from '../cli-error';
import { report, type CliIo } from '../cli-io';
import { EXIT } from '../exit-codes';
import { baseUrl, dispatcherOption } from '../service-options';

interface InferOptions {
  model: string;
  topK: string;
  dispatcher: string;
  inference?: string;
}

interface ImageResult {
  image: string;
  model?: string;
  version?: string;
  predictions?: LabelScore[];
  jobId?: string;
  error?: string;
}

function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new CliError(`${name}: expected a whole number from 1 to 1000, got "${value}"`, EXIT.usage);
  return n;
}

async function classify(file: string, options: InferOptions, topK: number): Promise<ImageResult> {
  const image = readFileSync(file).toString('base64');
  if (options.inference) {
    const answer = await requestJson<InferResponse>({ url: `${baseUrl(options.inference)}/infer`, body: { image, topK }, service: 'inference service' });
    return { image: file, model: answer.model, version: answer.version, predictions: answer.predictions };
  }
  const status = await requestJson<JobStatus>({
    url: `${baseUrl(options.dispatcher)}/infer`,
    body: { model: options.model, image, topK },
    service: 'dispatcher',
  });
  const result = status.result as InferResponse | undefined;
  return { image: file, model: result?.model ?? status.model, version: result?.version, predictions: result?.predictions ?? [], jobId: status.jobId };
}

function render(results: ImageResult[]): string {
  return results
    .map((r) => {
      if (r.error) return `${basename(r.image)}: ${r.error}`;
      const head = `${basename(r.image)}  ${r.model}${r.version ? ` v${r.version}` : ''}${r.jobId ? `  job ${r.jobId}` : ''}`;
      const width = Math.max(...(r.predictions ?? []).map((p) => p.label.length), 5);
      const lines = (r.predictions ?? []).map((p, i) => `  ${i + 1}. ${p.label.padEnd(width)}  ${(p.probability * 100).toFixed(2).padStart(6)} %`);
      return [head, ...lines].join('\n');
    })
    .join('\n');
}

/** `infer IMAGE...`: the top-k labels of each image, through the dispatcher's synchronous /infer or straight to inference. */
export function inferCommand(program: Command, io: () => CliIo): void {
  program
    .command('infer')
    .description('classify images: top-k labels, through the dispatcher (queued) or straight to an inference service')
    .argument('<images...>', 'image files (JPEG, PNG, WebP)')
    .option('-m, --model <name>', 'model (queue) to send to through the dispatcher', 'digits-cnn')
    .option('-k, --top-k <n>', 'labels per image, best first', '5')
    .addOption(dispatcherOption())
    .addOption(new Option('--inference <url>', 'send straight to this inference service instead of through the dispatcher'))
    .action(async (images: string[], options: InferOptions) => {
      const topK = positiveInteger(options.topK, '--top-k');
      const missing = images.filter((file) => !existsSync(file));
      if (missing.length > 0) throw new CliError(`${missing.join(', ')}: no such file`, EXIT.usage);
      const results: ImageResult[] = [];
      let worst: CliError | undefined;
      for (const file of images) {
        try {
          results.push(await classify(file, options, topK));
        } catch (error) {
          if (!(error instanceof CliError)) throw error;
          // An unreachable service fails every image the same way: stop at the first.
          if (error.exitCode === EXIT.unavailable) throw error;
          results.push({ image: file, error: error.message });
          if (!worst || error.exitCode > worst.exitCode) worst = error;
        }
      }
      report(io(), { results }, (data) => render(data.results));
      if (worst) throw new CliError(`${results.filter((r) => r.error).length} of ${images.length} images failed`, worst.exitCode);
    });
}
