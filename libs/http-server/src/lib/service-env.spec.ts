import { z } from 'zod';
import { envBoolean, envTable, InvalidEnvironment, parseEnv, serviceEnv, withEnvTable } from './service-env';

const Env = serviceEnv({ port: 4000 }).extend({
  RATE: z.coerce.number().min(0).default(2).describe('Jobs per second | per model.'),
  HOSTS: z
    .string()
    .default('a,b')
    .transform((v) => v.split(','))
    .describe('Hosts, e.g. <name>.svc.'),
  FLAG: envBoolean.default(false).describe('A flag.'),
  TOKEN: z.string().optional().describe('Secret.'),
});

describe('service environment', () => {
  it('fills every default, treats empty variables as unset and keeps what is given', () => {
    const config = parseEnv(Env, { RATE: '', FLAG: 'yes', PORT: '0' });
    expect(config).toMatchObject({
      PORT: 0,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      RATE: 2,
      HOSTS: ['a', 'b'],
      FLAG: true,
      DRAIN_DELAY_MS: 0,
      SHUTDOWN_GRACE_MS: 25_000,
    });
    expect(config.TOKEN).toBeUndefined();
  });

  it('names every bad variable in one error', () => {
    const error = (() => {
      try {
        parseEnv(Env, { RATE: '-1', LOG_LEVEL: 'loud' });
      } catch (e) {
        return e as InvalidEnvironment;
      }
    })();
    expect(error).toBeInstanceOf(InvalidEnvironment);
    expect(error?.problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'RATE']);
    expect(error?.message).toMatch(/^invalid environment: /);
  });

  it('tabulates names, defaults as written in the environment, and descriptions safe for markdown', () => {
    const table = envTable(Env).split('\n');
    expect(table[0]).toBe('| Variable | Default | Meaning |');
    expect(table).toContain('| `PORT` | `4000` | HTTP port (0 picks a free one). |');
    expect(table).toContain('| `RATE` | `2` | Jobs per second \\| per model. |');
    expect(table).toContain('| `HOSTS` | `a,b` | Hosts, e.g. &lt;name&gt;.svc. |');
    expect(table).toContain('| `TOKEN` | — | Secret. |');
  });

  it('replaces only the text between the env-table markers', () => {
    const start = "<!-- env-table: generated from the app's config.ts by `npm run docs:env`; edit the schema, not this table -->";
    const doc = `# App\n\n${start}\n| old |\n<!-- /env-table -->\n\nMore.\n`;
    expect(withEnvTable(doc, '| new |')).toBe(`# App\n\n${start}\n| new |\n<!-- /env-table -->\n\nMore.\n`);
    expect(() => withEnvTable('# no markers', '| new |')).toThrow(/no env-table markers/);
  });
});
