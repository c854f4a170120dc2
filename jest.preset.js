// Shared jest settings: ts-jest without type-checking (tsc does that in lint/build), node environment,
// one worker per core so real Redis and onnxruntime tests do not starve each other on small machines.
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/?(*.)+(spec|test).ts'],
  moduleNameMapper: require('./tools/jest-path-mapping.js'),
  maxWorkers: 1,
};
