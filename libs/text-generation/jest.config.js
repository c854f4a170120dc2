module.exports = {
  displayName: 'text-generation',
  preset: '../../jest.preset.js',
  // onnxruntime-node returns typed arrays of the main realm; see the environment file for why it matters.
  testEnvironment: '<rootDir>/../onnx-builder/jest-onnxruntime-environment.js',
};
