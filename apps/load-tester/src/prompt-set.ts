import { readFileSync } from 'node:fs';

/** Thrown for a prompt file that cannot be used; the message names the file (and the line when there is one). */
export class PromptFileError extends Error {}

/** Longest prompt accepted from a file, in characters: the LM's whole budget is 256 tokens, so longer is a mistake. */
export const MAX_PROMPT_CHARS = 2_000;

/**
 * Parses a prompt pool: one prompt per line; blank lines and lines starting with `#` are skipped; surrounding
 * whitespace is trimmed. Throws when no prompt is left or one is too long.
 */
export function parsePrompts(text: string, source = 'prompts'): string[] {
  const prompts: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.length > MAX_PROMPT_CHARS)
      throw new PromptFileError(`${source}:${index + 1}: a prompt is at most ${MAX_PROMPT_CHARS} characters (got ${line.length})`);
    prompts.push(line);
  });
  if (prompts.length === 0) throw new PromptFileError(`${source}: no prompt (one per line; # starts a comment)`);
  return prompts;
}

export interface GenerationOptions {
  max_new_tokens: number;
  seed?: number;
}

/**
 * The prompts text-generation requests carry, pre-built (like ImageSet) as the JSON head of an /enqueue body
 * `{"model":..., "prompt":..., "generation":{...}, [callbackUrl,] "clientRef":"`, so a request only appends
 * its own small tail. Request n sends prompt n modulo the pool size.
 */
export class PromptSet {
  private constructor(
    readonly prompts: string[],
    readonly generation: GenerationOptions,
  ) {}

  /** Reads a prompt file (see parsePrompts); `max` keeps only the first prompts. */
  static load(file: string, generation: GenerationOptions, max = Number.POSITIVE_INFINITY): PromptSet {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new PromptFileError(`cannot read prompts from ${file}: ${(error as Error).message}`);
    }
    return new PromptSet(parsePrompts(text, file).slice(0, max), generation);
  }

  static of(prompts: string[], generation: GenerationOptions): PromptSet {
    return new PromptSet(parsePrompts(prompts.join('\n')), generation);
  }

  get size(): number {
    return this.prompts.length;
  }

  bodyPrefixes(model: string, callbackUrl?: string): Buffer[] {
    return this.prompts.map((prompt) => {
      const head = JSON.stringify({ model, prompt, generation: this.generation, ...(callbackUrl && { callbackUrl }) });
      return Buffer.from(`${head.slice(0, -1)},"clientRef":"`);
    });
  }
}
