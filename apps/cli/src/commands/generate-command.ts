import { Option, type Command } from 'commander';
import type { GenerateResponse, JobStatus } from '@ai/contracts';
import { requestJson } from '../api-client';
import { CliError } from '../cli-error';
import { report, type CliIo } from '../cli-io';
import { EXIT } from '../exit-codes';
import { baseUrl, DEFAULT_INFERENCE, dispatcherOption } from '../service-options';
import { readServerSentEvents } from '../sse-reader';

interface GenerateOptions {
  maxNewTokens: string;
  temperature?: string;
  seed?: string;
  model: string;
  inference: string;
  dispatcher: string;
  queued?: boolean;
}

function generation(options: GenerateOptions) {
  const number = (value: string | undefined, name: string) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new CliError(`${name}: expected a number, got "${value}"`, EXIT.usage);
    return n;
  };
  return {
    max_new_tokens: number(options.maxNewTokens, '--max-new-tokens'),
    ...(options.temperature !== undefined && { temperature: number(options.temperature, '--temperature') }),
    ...(options.seed !== undefined && { seed: number(options.seed, '--seed') }),
  };
}

/** Streams tokens from the inference service's POST /generate (server-sent events) to stdout as they arrive. */
async function streamFromInference(prompt: string, options: GenerateOptions, io: CliIo): Promise<GenerateResponse> {
  const url = `${baseUrl(options.inference)}/generate`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt, ...generation(options), stream: true }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new CliError(`cannot reach the inference service at ${new URL(url).origin}: ${cause?.code ?? (error as Error).message}`, EXIT.unavailable);
  }
  if (!res.ok || !res.body || !res.headers.get('content-type')?.includes('text/event-stream')) {
    // Errors come back as JSON before any streaming starts: let the JSON client word them.
    await requestJson({ url, body: { prompt, ...generation(options) }, service: 'inference service' });
    throw new CliError(`inference service at ${new URL(url).origin} did not stream (HTTP ${res.status})`, EXIT.unavailable);
  }
  for await (const { event, data } of readServerSentEvents(res.body)) {
    if (event === 'token' && !io.json) io.stdout.write((data as { text: string }).text);
    if (event === 'done') {
      if (!io.json) io.stdout.write('\n');
      return data as GenerateResponse;
    }
    if (event === 'error') throw new CliError(`inference service: ${(data as { error: { message: string } }).error.message}`, EXIT.unavailable);
  }
  throw new CliError('inference service closed the stream before the end of the generation', EXIT.unavailable);
}

/** `generate "prompt"`: text from a text-generation model, streamed token by token. */
export function generateCommand(program: Command, io: () => CliIo): void {
  program
    .command('generate')
    .description('generate text from a prompt, printing tokens as the inference service streams them')
    .argument('<prompt>', 'the prompt')
    .option('-n, --max-new-tokens <n>', 'tokens to generate', '64')
    .option('--temperature <t>', 'sampling temperature (0 = greedy)')
    .option('--seed <n>', 'sampling seed, for repeatable output')
    .addOption(new Option('--inference <url>', 'inference service serving a text-generation model').default(DEFAULT_INFERENCE))
    .option('--queued', "go through the dispatcher's queue instead; the text is printed when the job is done (a queue does not stream)")
    .option('-m, --model <name>', 'model (queue) for --queued', 'tiny-lm')
    .addOption(dispatcherOption())
    .action(async (prompt: string, options: GenerateOptions) => {
      const out = io();
      let response: GenerateResponse;
      if (options.queued) {
        const status = await requestJson<JobStatus>({
          url: `${baseUrl(options.dispatcher)}/infer`,
          body: { model: options.model, prompt, generation: generation(options) },
          service: 'dispatcher',
        });
        response = status.result as GenerateResponse;
        if (!out.json) out.stdout.write(`${response.generated_text}\n`);
      } else {
        response = await streamFromInference(prompt, options, out);
      }
      if (out.json) report(out, response, () => '');
      else
        out.stderr.write(
          `${response.tokens} tokens, ${response.finish_reason}; first token ${response.timings.timeToFirstTokenMs.toFixed(1)} ms, ${response.timings.perTokenMs.toFixed(2)} ms/token\n`,
        );
    });
}
