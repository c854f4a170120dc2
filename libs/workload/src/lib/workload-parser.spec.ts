import { parseWorkload, totalRequests, WorkloadParseError } from './workload-parser';

describe('parseWorkload', () => {
  it('reads one value per line with comments and blank lines', () => {
    expect(parseWorkload('# warm up\n5\n\n10  # peak\n  0\n')).toEqual([5, 10, 0]);
  });

  it('reads comma-separated values, also spread over several lines and with a trailing comma', () => {
    expect(parseWorkload('10,15, 20 ,25\n30,\n# tail\n5')).toEqual([10, 15, 20, 25, 30, 5]);
  });

  it('accepts Windows line endings', () => {
    expect(parseWorkload('1\r\n2\r\n')).toEqual([1, 2]);
  });

  it('names the line and column of a word', () => {
    expect(() => parseWorkload('10\n20, abc, 30', 'w.txt')).toThrow('w.txt:2:5: expected a non-negative whole number of requests per second, found "abc"');
  });

  it('rejects negative and fractional rates at their column', () => {
    const negative = catchError(() => parseWorkload('1,2,-3'));
    expect([negative.line, negative.column]).toEqual([1, 5]);
    const fractional = catchError(() => parseWorkload('# x\n\n  1.5'));
    expect([fractional.line, fractional.column]).toEqual([3, 3]);
  });

  it('rejects an empty field between commas', () => {
    const error = catchError(() => parseWorkload('1,,2'));
    expect([error.line, error.column, error.detail]).toEqual([1, 3, 'expected a number of requests per second, found an empty field']);
  });

  it('rejects a workload without values', () => {
    expect(() => parseWorkload('# nothing\n\n')).toThrow('no values');
  });

  it('counts the requests a workload schedules', () => {
    expect(totalRequests(parseWorkload('2,4,6,4,2'))).toBe(18);
  });
});

function catchError(fn: () => unknown): WorkloadParseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WorkloadParseError) return error;
    throw error;
  }
  throw new Error('expected a WorkloadParseError');
}
