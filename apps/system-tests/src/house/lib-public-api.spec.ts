import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WORKSPACE_ROOT } from '@ai/local-stack';

/**
 * Every library's `src/index.ts` lists its public names, and a name is public only while another project uses
 * it: whatever else a lib holds stays inside, free to change. This reads the workspace's own sources (every
 * project's TypeScript outside node_modules and dist) and compares what each index exports with what the other
 * projects import from it.
 */
const SKIP = new Set(['node_modules', 'dist', 'tmp', '.nx', '.git', 'coverage', 'reports']);

function typescriptFiles(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) typescriptFiles(path, found);
    else if (name.endsWith('.ts')) found.push(path);
  }
  return found;
}

/** The names in `{ a, type B, c as d }`, as the importing side sees them from the exporting side (`c`). */
function namesIn(braces: string, side: 'imported' | 'exported'): string[] {
  return braces
    .split(',')
    .map((part) => part.replace(/\btype\s+/, '').trim())
    .filter(Boolean)
    .map((part) => {
      const [name, alias] = part.split(/\s+as\s+/);
      return side === 'exported' ? (alias ?? name) : name;
    });
}

const libs = readdirSync(join(WORKSPACE_ROOT, 'libs')).filter((name) =>
  statSync(join(WORKSPACE_ROOT, 'libs', name, 'src', 'index.ts'), { throwIfNoEntry: false }),
);
const sources = ['apps', 'libs', 'models', 'tools', 'charts'].flatMap((dir) => typescriptFiles(join(WORKSPACE_ROOT, dir)));

describe('the public API of every library', () => {
  it.each(libs)('libs/%s exports only names another project imports', (lib) => {
    const index = readFileSync(join(WORKSPACE_ROOT, 'libs', lib, 'src', 'index.ts'), 'utf8');
    const exported = [...index.matchAll(/export\s*\{([^}]*)\}\s*from/g)].flatMap((m) => namesIn(m[1], 'exported'));
    expect(exported.length).toBeGreaterThan(0);
    const used = new Set<string>();
    const from = new RegExp(`(?:import|export)\\s+(?:type\\s+)?\\{([^}]*)\\}\\s*from\\s*'@ai/${lib}'`, 'g');
    const own = join(WORKSPACE_ROOT, 'libs', lib) + '/';
    for (const file of sources) {
      if (file.startsWith(own)) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(from)) for (const name of namesIn(m[1], 'imported')) used.add(name);
      // A lib loaded on demand (`await import('@ai/lib')`) is used through destructuring of what it resolves to.
      if (text.includes(`import('@ai/${lib}')`)) {
        for (const m of text.matchAll(/const\s*\{([^}]*)\}\s*=\s*await\b/g))
          for (const name of namesIn(m[1].replace(/:\s*\w+/g, ''), 'imported')) used.add(name);
      }
    }
    const unused = exported.filter((name) => !used.has(name));
    expect({ lib: relative(WORKSPACE_ROOT, own), unused }).toEqual({ lib: `libs/${lib}`, unused: [] });
  });
});
