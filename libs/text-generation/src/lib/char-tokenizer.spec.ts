import { CharTokenizer } from './char-tokenizer';

describe('CharTokenizer', () => {
  const tokenizer = new CharTokenizer({ '<unk>': 0, ' ': 1, e: 2, h: 3, t: 4, '—': 5, '\n': 6 });

  it('round-trips text whose characters are all in the vocabulary', () => {
    const text = 'the —\nthe';
    expect(tokenizer.encode(text)).toHaveLength([...text].length);
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('encodes unknown characters as <unk>, which decodes to nothing', () => {
    expect(tokenizer.encode('the z')).toEqual([4, 3, 2, 1, 0]);
    expect(tokenizer.decode([4, 0, 3])).toBe('th');
  });

  it('counts one token per code point, not per UTF-16 unit', () => {
    expect(tokenizer.encode('😀')).toEqual([0]);
  });
});
