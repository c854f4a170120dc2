/**
 * Which hosts callbacks may be sent to, so the dispatcher cannot be used to reach arbitrary addresses.
 * Entries are exact hostnames (`127.0.0.1`, `load-tester`) or `*.suffix` wildcards, which match any
 * subdomain of the suffix but not the suffix itself. `*` alone allows every host. Empty allows none.
 */
export class CallbackAllowlist {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly any: boolean;

  constructor(entries: readonly string[]) {
    let any = false;
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase().replace(/\.$/, '');
      if (!entry) continue;
      if (entry === '*') any = true;
      else if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else this.exact.add(stripBrackets(entry));
    }
    this.any = any;
  }

  /** True when `url` is http(s) and its host is allowed. */
  allows(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    if (parsed.username || parsed.password) return false;
    if (this.any) return true;
    const host = stripBrackets(parsed.hostname.toLowerCase().replace(/\.$/, ''));
    return this.exact.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
