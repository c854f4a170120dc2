import { z } from 'zod';

/** The log levels every service accepts (winston's npm levels). */
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/** Values every service's schema uses for flags: true/false, 1/0, yes/no. */
export const envBoolean = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * The settings every service has: where it listens, how it logs and how it shuts down. Each app's schema
 * extends this (`serviceEnv({ port: 3000 }).extend({...})`), so the shared keys are written once.
 */
export function serviceEnv(defaults: { port: number; portDescription?: string }) {
  return z.object({
    PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(defaults.port)
      .describe(defaults.portDescription ?? 'HTTP port (0 picks a free one).'),
    HOST: z.string().default('0.0.0.0').describe('Interface to listen on.'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info').describe('winston log level.'),
    LOKI_URL: z
      .url()
      .optional()
      .describe(
        'Also push logs to this Loki (e.g. http://loki:3100): the same JSON lines, labelled service, model, pod and namespace (from POD_NAME and POD_NAMESPACE, which the chart sets).',
      ),
    DRAIN_DELAY_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(120_000)
      .default(0)
      .describe('On SIGTERM, keep serving this long with readiness false (so load balancers stop routing here) before closing.'),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000).describe('On SIGTERM, how long in-flight work may take to finish.'),
  });
}

/** The environment did not parse: `problems` name each variable and what is wrong with it. */
export class InvalidEnvironment extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
  }
}

/**
 * Parses the environment once at start-up. Empty variables count as unset (so `FOO=` falls back to the
 * default); a bad value throws InvalidEnvironment naming the variable.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv | Record<string, string | number> = process.env): z.output<S> {
  const present = Object.fromEntries(
    Object.entries(env)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => [k, String(v)]),
  );
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new InvalidEnvironment(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
}

/** Exit status of a service whose configuration is invalid (the same in every app, like a usage error). */
export const EXIT_INVALID_CONFIG = 2;

/** A markdown table of a schema's variables: name, default and description, in the schema's order. */
export function envTable(schema: z.ZodObject): string {
  const rows = Object.entries(schema.shape).map(([name, field]) => {
    const type = field as z.ZodType;
    const fallback = rawDefault(type);
    return `| \`${name}\` | ${fallback === undefined ? '—' : `\`${fallback}\``} | ${markdownCell(type.description ?? '')} |`;
  });
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

/** Text safe inside a markdown table cell: pipes escaped, angle brackets not taken for HTML. */
function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The default as a user would write it in the environment: found before any transform (a list default
 * shows as `a,b`, not as the parsed array).
 */
function rawDefault(type: z.ZodType): string | undefined {
  const def = type._zod.def as { type: string; defaultValue?: unknown; in?: z.ZodType; innerType?: z.ZodType };
  if (def.type === 'default' || def.type === 'prefault') {
    const value = def.defaultValue;
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  if (def.type === 'pipe' && def.in) return rawDefault(def.in);
  if (def.innerType) return rawDefault(def.innerType);
  return undefined;
}

const TABLE_START = "<!-- env-table: generated from the app's config.ts by `npm run docs:env`; edit the schema, not this table -->";
const TABLE_END = '<!-- /env-table -->';

/**
 * `markdown` with the text between the env-table markers replaced by `table`. The docs generator writes
 * the result; each app's docs test checks that its README already equals it.
 */
export function withEnvTable(markdown: string, table: string): string {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`no env-table markers (${TABLE_START} ... ${TABLE_END}) in the document`);
  return `${markdown.slice(0, start + TABLE_START.length)}\n${table}\n${markdown.slice(end)}`;
}
