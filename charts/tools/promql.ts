/**
 * A small PromQL parser, used when promtool (Debian's `prometheus` package) is not installed: it accepts
 * the language's expression grammar (selectors with matchers, range and subquery brackets, offset,
 * aggregations with by/without, function calls, binary operators with bool/on/ignoring/group_*),
 * rejects unknown functions and malformed tokens, and returns the metric names an expression reads.
 * It checks syntax and names, not types (e.g. rate() of an instant vector passes).
 */

const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
const FUNCTIONS = new Set([
  'abs',
  'absent',
  'absent_over_time',
  'ceil',
  'changes',
  'clamp',
  'clamp_max',
  'clamp_min',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'delta',
  'deriv',
  'exp',
  'floor',
  'histogram_quantile',
  'histogram_count',
  'histogram_sum',
  'histogram_fraction',
  'holt_winters',
  'hour',
  'idelta',
  'increase',
  'irate',
  'label_join',
  'label_replace',
  'ln',
  'log2',
  'log10',
  'minute',
  'month',
  'predict_linear',
  'rate',
  'resets',
  'round',
  'scalar',
  'sgn',
  'sort',
  'sort_desc',
  'sqrt',
  'time',
  'timestamp',
  'vector',
  'year',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'quantile_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'last_over_time',
  'present_over_time',
]);
const BINARY = ['==', '!=', '>=', '<=', '>', '<', '+', '-', '*', '/', '%', '^', 'and', 'or', 'unless', 'atan2'];
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

type Token = { type: 'ident' | 'number' | 'string' | 'duration' | 'op' | 'punct'; value: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s+|(?<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?<op>=~|!~|==|!=|>=|<=|[=<>+\-*/%^])|(?<punct>[(){}[\],:])|(?<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)|(?<number>\d+(?:\.\d+)?(?:e[+-]?\d+)?(?:ms|s|m|h|d|w|y)?(?:\d+(?:ms|s|m|h|d|w|y))*)/gy;
  let match: RegExpExecArray | null;
  while (re.lastIndex < text.length) {
    const at = re.lastIndex;
    match = re.exec(text);
    if (!match) throw new Error(`unexpected character ${JSON.stringify(text[at])} at ${at}`);
    const g = match.groups ?? {};
    if (g.string) tokens.push({ type: 'string', value: g.string, at });
    else if (g.op) tokens.push({ type: 'op', value: g.op, at });
    else if (g.punct) tokens.push({ type: 'punct', value: g.punct, at });
    else if (g.ident) tokens.push({ type: 'ident', value: g.ident, at });
    else if (g.number) tokens.push({ type: DURATION.test(g.number) ? 'duration' : 'number', value: g.number, at });
  }
  return tokens;
}

class Parser {
  private i = 0;
  readonly metrics = new Set<string>();
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parse(): void {
    this.expr();
    const rest = this.peek();
    if (rest) this.fail(`unexpected ${rest.value}`);
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }
  private fail(message: string): never {
    const at = this.peek()?.at ?? this.text.length;
    throw new Error(`${message} at ${at} in: ${this.text}`);
  }
  private accept(value: string): boolean {
    if (this.peek()?.value === value && this.peek()?.type !== 'string') {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(value: string): void {
    if (!this.accept(value)) this.fail(`expected ${value}`);
  }
  private labelList(): void {
    this.expect('(');
    while (!this.accept(')')) {
      if (this.peek()?.type !== 'ident') this.fail('expected a label name');
      this.i++;
      if (!this.accept(',') && this.peek()?.value !== ')') this.fail('expected , or )');
    }
  }

  private expr(): void {
    this.unary();
    for (let t = this.peek(); t && t.type !== 'string' && BINARY.includes(t.value); t = this.peek()) {
      this.i++;
      this.accept('bool');
      if (this.accept('on') || this.accept('ignoring')) this.labelList();
      if (this.accept('group_left') || this.accept('group_right')) {
        if (this.peek()?.value === '(') this.labelList();
      }
      this.unary();
    }
  }

  private unary(): void {
    while (this.accept('-') || this.accept('+'));
    this.primary();
    if (this.accept('[')) {
      if (this.peek()?.type !== 'duration') this.fail('expected a duration');
      this.i++;
      if (this.accept(':')) {
        if (this.peek()?.type === 'duration') this.i++;
      }
      this.expect(']');
    }
    if (this.accept('offset')) {
      this.accept('-');
      if (this.peek()?.type !== 'duration') this.fail('expected a duration after offset');
      this.i++;
    }
  }

  private primary(): void {
    const t = this.peek();
    if (!t) this.fail('unexpected end');
    if (t.type === 'number' || t.type === 'string' || (t.type === 'duration' && /^\d+$/.test(t.value))) {
      this.i++;
      return;
    }
    if (t.value === '(') {
      this.i++;
      this.expr();
      this.expect(')');
      return;
    }
    if (t.value === '{') return this.matchers();
    if (t.type !== 'ident') this.fail(`unexpected ${t.value}`);
    if (AGGREGATIONS.has(t.value) && (this.peek(1)?.value === '(' || ['by', 'without'].includes(this.peek(1)?.value ?? ''))) {
      this.i++;
      if (this.accept('by') || this.accept('without')) this.labelList();
      this.args();
      if (this.accept('by') || this.accept('without')) this.labelList();
      return;
    }
    if (this.peek(1)?.value === '(') {
      if (!FUNCTIONS.has(t.value)) this.fail(`unknown function ${t.value}`);
      this.i++;
      this.args();
      return;
    }
    this.i++;
    this.metrics.add(t.value);
    if (this.peek()?.value === '{') this.matchers();
  }

  private args(): void {
    this.expect('(');
    if (this.accept(')')) return;
    do this.expr();
    while (this.accept(','));
    this.expect(')');
  }

  private matchers(): void {
    this.expect('{');
    while (!this.accept('}')) {
      const name = this.peek();
      if (name?.type !== 'ident') this.fail('expected a label name');
      this.i++;
      const op = this.peek();
      if (!op || !['=', '!=', '=~', '!~'].includes(op.value)) this.fail('expected a matcher operator');
      this.i++;
      const value = this.peek();
      if (value?.type !== 'string') this.fail('expected a quoted label value');
      if (op.value.endsWith('~')) {
        try {
          new RegExp(JSON.parse(value.value.startsWith("'") ? `"${value.value.slice(1, -1)}"` : value.value));
        } catch {
          this.fail(`invalid regular expression ${value.value}`);
        }
      }
      this.i++;
      if (!this.accept(',') && this.peek()?.value !== '}') this.fail('expected , or }');
    }
  }
}

/** Parses a PromQL expression; throws on a syntax error; returns the metric names it reads. */
export function parsePromQL(text: string): string[] {
  const parser = new Parser(tokenize(text), text);
  parser.parse();
  return [...parser.metrics];
}
