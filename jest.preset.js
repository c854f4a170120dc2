// Shared jest settings: ts-jest without type-checking (tsc does that in lint/build), node environment,
// one jest worker per project (Nx already runs two projects at once on two cores, and the real Redis and
// onnxruntime tests would starve each other with more).
module.exports = {
  // node, with the main realm's typed arrays so onnxruntime-node's tensors pass its instanceof checks.
  testEnvironment: require.resolve('./tools/jest-onnxruntime-environment.js'),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/?(*.)+(spec|test).ts'],
  moduleNameMapper: require('./tools/jest-path-mapping.js'),
  maxWorkers: 1,
  reporters: ['default', require.resolve('./tools/jest-totals-reporter.js')],
};
