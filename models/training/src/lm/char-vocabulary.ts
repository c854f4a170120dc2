/** Token id 0: stands for every character the vocabulary lacks. */
export const UNKNOWN_TOKEN = '<unk>';

/**
 * A character vocabulary: id 0 is `<unk>`, then every character seen at least `minCount` times in the
 * training text, most frequent first. Characters rarer than that (a few Greek and Hebrew letters in the
 * etymology) map to `<unk>`, so the model does not spend output rows on characters it cannot learn.
 */
export class CharVocabulary {
  readonly tokens: string[];
  private readonly ids: Map<string, number>;

  constructor(tokens: string[]) {
    this.tokens = tokens;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
  }

  static fromText(text: string, minCount = 2): CharVocabulary {
    const counts = new Map<string, number>();
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const kept = [...counts.entries()]
      .filter(([, n]) => n >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([ch]) => ch);
    return new CharVocabulary([UNKNOWN_TOKEN, ...kept]);
  }

  get size(): number {
    return this.tokens.length;
  }

  encode(text: string): Int32Array {
    const chars = [...text];
    const out = new Int32Array(chars.length);
    for (let i = 0; i < chars.length; i++) out[i] = this.ids.get(chars[i]) ?? 0;
    return out;
  }

  /** `vocab.json`: token → id, the same shape as a GPT-2 vocabulary file. */
  toJson(): Record<string, number> {
    return Object.fromEntries(this.tokens.map((t, i) => [t, i]));
  }
}
