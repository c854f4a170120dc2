/**
 * Writes the benchmark model into a model repository folder:
 *
 *   npx tsx --tsconfig tsconfig.base.json models/training/src/build-bench-model.ts --out tmp/bench-models [--seed 1] [--width 1.0]
 */
import { resolve } from 'node:path';
import { writeBenchModel } from './export/bench-model';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const out = flag('out');
if (!out) {
  console.error('usage: build-bench-model.ts --out <repository dir> [--seed N] [--width α]');
  process.exit(2);
}
const started = performance.now();
const dir = writeBenchModel(resolve(out), { seed: Number(flag('seed') ?? 1), widthMultiplier: Number(flag('width') ?? 1) });
console.log(`wrote ${dir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
