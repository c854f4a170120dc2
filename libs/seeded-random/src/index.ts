export { mulberry32 } from './lib/mulberry32';
export { SeededRandom } from './lib/seeded-random';
