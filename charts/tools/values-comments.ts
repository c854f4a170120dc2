/**
 * Keys of a values.yaml that lack a `##` comment line directly above them. Keys inside list items and
 * inside standard Kubernetes structures (resources, behavior, nodeSelector, ...) and the Loki schema
 * block are documented by their parent and exempt.
 */
const DOCUMENTED_AS_A_WHOLE = new Set([
  'resources',
  'behavior',
  'nodeSelector',
  'tolerations',
  'affinity',
  'podAnnotations',
  'fallback',
  'env',
  'metricsFrom',
  'labels',
  'schemaConfig',
  'models',
]);

export function undocumentedKeys(text: string): string[] {
  const missing: string[] = [];
  const path: { indent: number; key: string }[] = [];
  let previous = '';
  let listIndent: number | undefined;
  text.split('\n').forEach((line, index) => {
    if (!line.trim() || line.trim().startsWith('#')) {
      if (line.trim()) previous = line;
      return;
    }
    const indent = line.length - line.trimStart().length;
    if (listIndent !== undefined && indent <= listIndent && !line.trimStart().startsWith('- ')) listIndent = undefined;
    if (line.trimStart().startsWith('- ')) {
      listIndent ??= indent;
      previous = line;
      return;
    }
    const key = /^\s*([\w.-]+):/.exec(line)?.[1];
    if (key && listIndent === undefined) {
      while (path.length && path[path.length - 1].indent >= indent) path.pop();
      const exempt = path.some((p) => DOCUMENTED_AS_A_WHOLE.has(p.key));
      if (!exempt && !previous.trimStart().startsWith('##')) missing.push(`line ${index + 1}: ${[...path.map((p) => p.key), key].join('.')}`);
      path.push({ indent, key });
    }
    previous = line;
  });
  return missing;
}
