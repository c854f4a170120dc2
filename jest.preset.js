// Shared jest settings: ts-jest without type-checking (tsc does that in lint/build), node environment,
// one jest worker per project (Nx already runs two projects at once on two cores, and the real Redis and
// onnxruntime tests would starve each other with more).
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/?(*.)+(spec|test).ts'],
  moduleNameMapper: require('./tools/jest-path-mapping.js'),
  maxWorkers: 1,
  reporters: ['default', require.resolve('./tools/jest-totals-reporter.js')],
};
