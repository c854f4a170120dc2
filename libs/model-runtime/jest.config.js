module.exports = {
  displayName: 'model-runtime',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/jest-onnxruntime-environment.js',
};
