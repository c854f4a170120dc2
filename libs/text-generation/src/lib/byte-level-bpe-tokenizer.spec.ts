import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer';

// A hand-made GPT-2-style vocabulary: single byte symbols (Ġ is the byte-level symbol for a space, Ã and ©
// the two UTF-8 bytes of "é"), then merged pieces in the order merges.txt ranks them.
const symbols = ['h', 'e', 'l', 'o', 'w', 'r', 'd', 'Ġ', '!', 'Ã', '©', 'c', 'a', 'f'];
const merged = ['he', 'll', 'hell', 'hello', 'Ġw', 'or', 'Ġwor', 'Ġworld', 'lo', 'Ã©'];
const vocab: Record<string, number> = Object.fromEntries([...symbols, ...merged, '<|endoftext|>'].map((t, i) => [t, i]));
vocab['ld'] = vocab['<|endoftext|>'] + 1;
const merges = ['#version: 0.2', 'h e', 'l l', 'he ll', 'hell o', 'Ġ w', 'o r', 'Ġw or', 'Ġwor ld', 'l d', 'l o', 'Ã ©'].join('\n');

describe('ByteLevelBpeTokenizer', () => {
  const tokenizer = new ByteLevelBpeTokenizer(vocab, merges, vocab['<|endoftext|>']);

  it('merges pairs in the order merges.txt ranks them', () => {
    // " world" merges step by step: Ġw, or, Ġwor, then ld (rank 8), and only then Ġwor+ld (rank 7).
    expect(tokenizer.encode('hello world').map((id) => Object.keys(vocab).find((k) => vocab[k] === id))).toEqual(['hello', 'Ġworld']);
  });

  it('prefers the earliest-ranked pair over a later one that overlaps it', () => {
    // In "hello", "l l" (rank 1) wins over "l o" (rank 10): the result is hell+o → hello, never he+l+lo.
    expect(tokenizer.encode('hello')).toEqual([vocab['hello']]);
  });

  it('encodes multi-byte characters as their UTF-8 bytes and decodes them back', () => {
    const ids = tokenizer.encode('café');
    expect(ids).toEqual([vocab['c'], vocab['a'], vocab['f'], vocab['Ã©']]);
    expect(tokenizer.decode(ids)).toBe('café');
  });

  it('round-trips text made of its symbols, spaces and punctuation', () => {
    for (const text of ['hello world!', 'world hello', ' hello', 'held', 'cool  cafe!']) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }
  });

  it('reports the end-of-text token and the vocabulary size', () => {
    expect(tokenizer.eosTokenId).toBe(vocab['<|endoftext|>']);
    expect(tokenizer.vocabSize).toBe(Object.keys(vocab).length);
  });

  it('rejects a merges file with a malformed line', () => {
    expect(() => new ByteLevelBpeTokenizer(vocab, 'h e\nthree parts here')).toThrow(/not a pair/);
  });
});
