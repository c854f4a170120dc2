/** An environment variable that looks meant for an app but is none of its settings, so the app ignores it. */
export interface UnknownEnvVariable {
  name: string;
  /** The setting it most likely meant, when one is close. */
  suggestion?: string;
  /** One line for the log: what is ignored and what to set instead. */
  message: string;
}

export interface UnknownEnvOptions {
  /** Names an app owns: any variable starting with one of these that is not a setting is reported. */
  prefixes?: readonly string[];
  /** Variables that are expected beside the settings and never reported (e.g. what a deployment interpolates). */
  ignore?: readonly string[];
}

/**
 * Kubernetes (and Docker links) inject `<SERVICE>_SERVICE_HOST`, `<SERVICE>_PORT_6379_TCP_ADDR` and the like for
 * every Service in the namespace; they share our prefixes (REDIS_, INFERENCE_) but are nobody's typo.
 */
const SERVICE_LINK = /_SERVICE_(HOST|PORT)(_[A-Z0-9_]+)?$|_PORT(_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?$/;

/** Edit distance with adjacent transpositions (PROT → PORT is one edit). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * How far `name` is from `key` when it is a typo of it, undefined when not. Word by word (split at `_`): each word
 * at most one edit away when short and two when longer, two edits in all; or one edit over the whole name (a missing
 * or extra `_`). Comparing words keeps apart names that merely look alike: HOME is not HOST, and the node image's
 * NODE_VERSION is not MODEL_VERSION.
 */
function nearMissDistance(name: string, key: string): number | undefined {
  const whole = editDistance(name, key);
  if (whole <= 1) return whole;
  const words = name.split('_');
  const keyWords = key.split('_');
  if (words.length !== keyWords.length) return undefined;
  let total = 0;
  for (let i = 0; i < words.length; i++) {
    const distance = editDistance(words[i], keyWords[i]);
    if (distance > (words[i].length <= 5 ? 1 : 2)) return undefined;
    total += distance;
  }
  return total <= 2 ? total : undefined;
}

/** The setting `name` most likely meant, if it is a near miss of one. */
function nearestSetting(name: string, known: readonly string[]): string | undefined {
  const upper = name.toUpperCase();
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = nearMissDistance(upper, key);
    if (distance !== undefined && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

/**
 * The variables of `env` an app would silently ignore although they look meant for it: near misses of its settings
 * (INFERENCE_URL for INFERENCE_URLS, PROT for PORT, lower case) and unknown names under its prefixes. Apps log each
 * one as a warning at start-up; they are not errors, since a shared environment may hold other apps' settings.
 *
 * @param known the app's settings, e.g. `Object.keys(Schema.shape)`
 */
export function unknownEnvVariables(env: NodeJS.ProcessEnv, known: readonly string[], options: UnknownEnvOptions = {}): UnknownEnvVariable[] {
  const settings = new Set(known);
  const found: UnknownEnvVariable[] = [];
  for (const name of Object.keys(env).sort()) {
    if (settings.has(name) || options.ignore?.includes(name) || env[name] === undefined || name.length < 3 || SERVICE_LINK.test(name)) continue;
    const suggestion = nearestSetting(name, known);
    const prefixed = options.prefixes?.some((prefix) => name.toUpperCase().startsWith(prefix)) ?? false;
    if (!suggestion && !prefixed) continue;
    const message = suggestion
      ? `environment variable ${name} is not a setting and is ignored; did you mean ${suggestion}?`
      : `environment variable ${name} is not a setting and is ignored`;
    found.push({ name, suggestion, message });
  }
  return found;
}
