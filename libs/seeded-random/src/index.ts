export * from './lib/mulberry32';
