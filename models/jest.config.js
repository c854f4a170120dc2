module.exports = {
  displayName: 'models',
  preset: '../jest.preset.js',
  // onnxruntime-node returns typed arrays of the main realm; see the environment file for why it matters.
  testEnvironment: '<rootDir>/../libs/onnx-builder/jest-onnxruntime-environment.js',
  roots: ['<rootDir>/training'],
};
