/** A workload value or separator that could not be read, with where it is (1-based line and column). */
export class WorkloadParseError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly detail: string,
    readonly source = 'workload',
  ) {
    super(`${source}:${line}:${column}: ${detail}`);
    this.name = 'WorkloadParseError';
  }
}

/** Largest rate one workload second may ask for; far above what one generator process can send. */
export const MAX_RATE_PER_SECOND = 1_000_000;

const NUMBER = /^\d+$/;

/**
 * Reads a workload: requests per second, one value per second, separated by commas or newlines (both
 * formats in use), with `#` comments to the end of a line and blank lines allowed. Anything else — a
 * negative or fractional rate, a word, an empty field between two commas — is rejected with an error
 * naming its line and column, because a silently skipped second would shift the whole traffic shape.
 *
 * @param text the file's content
 * @param source a name for error messages (usually the file path)
 * @returns one non-negative integer rate per second, in order
 */
export function parseWorkload(text: string, source = 'workload'): number[] {
  const rates: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    const hash = rawLine.indexOf('#');
    const line = hash >= 0 ? rawLine.slice(0, hash) : rawLine;
    if (line.trim() === '') return;
    // A trailing comma closes the line's list ("10, 20,") as files concatenated by hand often have.
    const fields = line.split(',');
    const trailingComma = fields.length > 1 && fields[fields.length - 1].trim() === '';
    let column = 1;
    fields.forEach((field, i) => {
      const lead = field.length - field.trimStart().length;
      const value = field.trim();
      const at = column + lead;
      column += field.length + 1;
      if (value === '') {
        if (trailingComma && i === fields.length - 1) return;
        throw new WorkloadParseError(lineNo, at, 'expected a number of requests per second, found an empty field', source);
      }
      if (!NUMBER.test(value)) {
        throw new WorkloadParseError(lineNo, at, `expected a non-negative whole number of requests per second, found "${value}"`, source);
      }
      const rate = Number(value);
      if (rate > MAX_RATE_PER_SECOND) {
        throw new WorkloadParseError(lineNo, at, `rate ${rate} is above the limit of ${MAX_RATE_PER_SECOND} per second`, source);
      }
      rates.push(rate);
    });
  });
  if (rates.length === 0) throw new WorkloadParseError(1, 1, 'the workload has no values', source);
  return rates;
}

/** The number of requests a workload schedules in total. */
export function totalRequests(rates: readonly number[]): number {
  return rates.reduce((sum, rate) => sum + rate, 0);
}
