module.exports = {
  displayName: 'model-runtime',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/test/jest-onnxruntime-environment.js',
};
