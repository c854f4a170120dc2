// The public API: what other projects use. Everything else stays inside.
export { mulberry32 } from './lib/mulberry32';
export { SeededRandom } from './lib/seeded-random';
