import { Tokenizer } from './tokenizer';

/**
 * GPT-2's pre-tokenizer: contractions, runs of letters, of digits, of other symbols (each with one leading
 * space), and whitespace. The lookahead keeps the last space of a run for the following word.
 */
const PRE_TOKENIZER = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * GPT-2's table from bytes to printable characters: printable Latin-1 bytes stand for themselves, the
 * rest (control bytes, space, ...) are moved to code points 256 and up, so every token is a visible string.
 */
function bytesToUnicode(): string[] {
  const table: string[] = new Array(256);
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let next = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(printable(b) ? b : 256 + next++);
  return table;
}

/**
 * The byte-level BPE of GPT-2 (and of models exported with its tokenizer files): text → UTF-8 bytes →
 * printable characters → pre-tokenized words → each word merged pairwise, always taking the pair ranked
 * earliest in `merges.txt`, until no ranked pair is left; the pieces are looked up in `vocab.json`.
 */
export class ByteLevelBpeTokenizer implements Tokenizer {
  readonly vocabSize: number;
  private readonly ranks = new Map<string, number>();
  private readonly idToToken: string[] = [];
  private readonly byteEncoder = bytesToUnicode();
  private readonly byteDecoder = new Map(this.byteEncoder.map((ch, b) => [ch, b]));
  private readonly cache = new Map<string, string[]>();

  constructor(
    private readonly vocab: Record<string, number>,
    merges: string,
    readonly eosTokenId?: number,
  ) {
    let rank = 0;
    for (const line of merges.split('\n')) {
      if (line.startsWith('#version') || line.trim() === '') continue;
      const parts = line.trim().split(' ');
      if (parts.length !== 2) throw new Error(`merges.txt: line ${JSON.stringify(line)} is not a pair`);
      this.ranks.set(`${parts[0]} ${parts[1]}`, rank++);
    }
    for (const [token, id] of Object.entries(vocab)) this.idToToken[id] = token;
    this.vocabSize = this.idToToken.length;
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const word of text.match(PRE_TOKENIZER) ?? []) {
      const mapped = Array.from(new TextEncoder().encode(word), (b) => this.byteEncoder[b]).join('');
      for (const piece of this.bpe(mapped)) {
        const id = this.vocab[piece];
        if (id === undefined) throw new Error(`vocab.json has no token ${JSON.stringify(piece)}`);
        ids.push(id);
      }
    }
    return ids;
  }

  decode(ids: readonly number[]): string {
    const bytes: number[] = [];
    for (const id of ids) for (const ch of this.idToToken[id] ?? '') bytes.push(this.byteDecoder.get(ch) ?? 0x3f);
    return new TextDecoder().decode(Uint8Array.from(bytes));
  }

  private bpe(word: string): string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    let parts = Array.from(word);
    while (parts.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const rank = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      // Merge every occurrence of the winning pair, left to right, as the reference implementation does.
      const [a, b] = [parts[best], parts[best + 1]];
      const merged: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i < parts.length - 1 && parts[i] === a && parts[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(parts[i]);
      }
      parts = merged;
    }
    if (this.cache.size < 10_000) this.cache.set(word, parts);
    return parts;
  }
}
