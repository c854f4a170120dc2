import { Tokenizer } from './tokenizer';

/**
 * One token per Unicode code point, from a `vocab.json` mapping token → id. Entries longer than one code
 * point are special tokens (`<unk>`, `<eos>`): characters missing from the vocabulary encode as `<unk>`
 * (or id 0 when there is none), and special tokens decode to nothing.
 */
export class CharTokenizer implements Tokenizer {
  readonly vocabSize: number;
  private readonly ids = new Map<string, number>();
  private readonly chars: string[] = [];
  private readonly unknownId: number;

  constructor(
    vocab: Record<string, number>,
    readonly eosTokenId?: number,
  ) {
    for (const [token, id] of Object.entries(vocab)) {
      if (!Number.isInteger(id) || id < 0) throw new Error(`vocab.json: id of ${JSON.stringify(token)} is not a non-negative integer`);
      const special = [...token].length !== 1;
      if (!special) this.ids.set(token, id);
      this.chars[id] = special ? '' : token;
    }
    this.vocabSize = Math.max(...Object.values(vocab)) + 1;
    this.unknownId = vocab['<unk>'] ?? 0;
  }

  encode(text: string): number[] {
    return Array.from(text, (ch) => this.ids.get(ch) ?? this.unknownId);
  }

  decode(ids: readonly number[]): string {
    return ids.map((id) => this.chars[id] ?? '').join('');
  }
}
