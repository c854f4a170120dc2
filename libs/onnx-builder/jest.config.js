module.exports = {
  displayName: 'onnx-builder',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/jest-onnxruntime-environment.js',
};
