import { spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import type { Logger } from '@ai/observability';
import { parseInferenceConfig } from '../src/config';
import { start } from '../src/server';

/** What libs/text-generation/bench/tokens-per-second.ts --json prints (the fields used here). */
export interface LmRawFigures {
  model: string;
  version: string;
  prompt: string;
  promptTokens: number;
  newTokens: number;
  rounds: number;
  threads: number;
  raw: { tokensPerSecond: number; msPerToken: number };
  generator: { tokensPerSecond: number; msPerToken: number; ratioToRaw: number };
  timeToFirstTokenMs: number;
}

export interface GenerateHttpFigures {
  requests: number;
  tokens: number;
  tokensPerSecond: number;
  meanRequestMs: number;
  /** Mean of the server's own time to first token (GenerateResponse.timings). */
  timeToFirstTokenMs: number;
}

/**
 * The text-generation library's own benchmark (raw session.run loop and the generator over the same tokens), run
 * as its CLI in a child process so the two projects stay separate; its figures come back as one JSON line.
 */
export function lmRawFigures(modelDir: string, newTokens: number, rounds: number): LmRawFigures {
  const script = join(WORKSPACE_ROOT, 'libs/text-generation/bench/tokens-per-second.ts');
  const run = spawnSync(
    process.execPath,
    ['--require', 'tsx/cjs', script, '--json', '--model-dir', modelDir, '--tokens', String(newTokens), '--rounds', String(rounds), '--threads', '1'],
    {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(WORKSPACE_ROOT, 'tsconfig.base.json') },
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  if (run.status !== 0) throw new Error(`tokens-per-second bench failed: ${run.stderr || run.error?.message}`);
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as LmRawFigures;
}

function postJson(agent: Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * POST /generate at batch 1 (one client, keep-alive, the next request as soon as the previous answered) against
 * the service started in-process on the LM, with the same prompt, sampling and token count as the raw loop, for
 * `seconds` after one warm-up request. Tokens/s counts the tokens the responses report over the wall time.
 */
export async function generateOverHttp(modelDir: string, raw: LmRawFigures, seconds: number, logger: Logger): Promise<GenerateHttpFigures> {
  const config = parseInferenceConfig({
    MODEL_PATH: modelDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    ORT_INTRA_OP_THREADS: String(raw.threads),
    ORT_PROVIDERS: 'cpu',
  });
  const service = await start(config, { logger });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(`${service.url}/generate`);
  const body = (seed: number) => JSON.stringify({ prompt: raw.prompt, max_new_tokens: raw.newTokens, temperature: 0.8, top_k: 40, seed });
  try {
    await postJson(agent, url, body(0));
    let requests = 0;
    let tokens = 0;
    let ttft = 0;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    while (performance.now() < end) {
      const answer = await postJson(agent, url, body(requests % raw.rounds));
      if (answer.status !== 200) throw new Error(`POST /generate answered ${answer.status}: ${answer.text.slice(0, 200)}`);
      const parsed = JSON.parse(answer.text) as { tokens: number; timings: { timeToFirstTokenMs: number } };
      requests += 1;
      tokens += parsed.tokens;
      ttft += parsed.timings.timeToFirstTokenMs;
    }
    const elapsedMs = performance.now() - t0;
    return { requests, tokens, tokensPerSecond: (tokens / elapsedMs) * 1000, meanRequestMs: elapsedMs / requests, timeToFirstTokenMs: ttft / requests };
  } finally {
    agent.destroy();
    await service.stop();
  }
}
