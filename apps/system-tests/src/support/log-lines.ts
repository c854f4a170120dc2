/** One line a service wrote, parsed: every line of a service's stdout and stderr must be one JSON object. */
export interface LogLine {
  level?: string;
  message?: string;
  timestamp?: string;
  [field: string]: unknown;
}

export interface LogAudit {
  /** Lines that parsed as one JSON object each. */
  json: LogLine[];
  /** Lines that did not (raw stack traces, library prints): must be none. */
  notJson: string[];
  /** Lines per message, most frequent first ("redis error" × 7, ...). */
  byMessage: [string, number][];
}

/** Splits a process's combined output into lines and checks each is one JSON object. */
export function auditLogLines(output: string): LogAudit {
  const json: LogLine[] = [];
  const notJson: string[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = JSON.parse(line) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json.push(parsed as LogLine);
      else notJson.push(line);
    } catch {
      notJson.push(line);
    }
  }
  const counts = new Map<string, number>();
  for (const line of json) counts.set(String(line.message), (counts.get(String(line.message)) ?? 0) + 1);
  return { json, notJson, byMessage: [...counts].sort((a, b) => b[1] - a[1]) };
}

/** The JSON lines whose timestamp falls in [fromMs, toMs) (epoch milliseconds). */
export function linesBetween(lines: LogLine[], fromMs: number, toMs: number): LogLine[] {
  return lines.filter((line) => {
    const at = Date.parse(String(line.timestamp));
    return at >= fromMs && at < toMs;
  });
}
