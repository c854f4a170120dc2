/**
 * The prompt alone uses more tokens than the generation budget allows. A bad-input error (HTTP 400), never
 * worth retrying: the same prompt fails the same way.
 */
export class PromptTooLongError extends Error {
  override readonly name = 'PromptTooLongError';
  readonly code = 'prompt_too_long';

  constructor(
    /** Tokens in the prompt. */
    readonly tokens: number,
    /** The budget for prompt plus generated tokens (MAX_TOTAL_TOKENS). */
    readonly limit: number,
  ) {
    super(`prompt is ${tokens} tokens; prompt plus generated tokens may not exceed ${limit} tokens`);
  }
}
