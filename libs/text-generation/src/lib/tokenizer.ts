/** Turns text into model token ids and back. */
export interface Tokenizer {
  /** Number of ids the tokenizer can produce (the model's vocabulary size). */
  readonly vocabSize: number;
  /** Token that ends a generation when the model emits it; absent for tokenizers without one. */
  readonly eosTokenId?: number;
  encode(text: string): number[];
  /**
   * Text of a sequence of ids. Decoding a whole sequence (not token by token) matters for byte-level
   * tokenizers, where one character may span several tokens.
   */
  decode(ids: readonly number[]): string;
}
