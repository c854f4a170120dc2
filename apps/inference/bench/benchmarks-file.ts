import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces (or appends) the `## <heading>` section of a markdown file, leaving every other section as it is, so
 * several benchmarks can share one BENCHMARKS.md.
 */
export function writeBenchmarkSection(file: string, heading: string, body: string): void {
  const title = `## ${heading}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === title);
  const section = [title, '', body.trim(), ''];
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section.join('\n')}`);
    return;
  }
  let end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  if (end < 0) end = lines.length;
  writeFileSync(file, [...lines.slice(0, start), ...section, ...lines.slice(end)].join('\n').trimEnd() + '\n');
}
