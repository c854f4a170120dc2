module.exports = {
  displayName: 'onnx-builder',
  preset: '../../jest.preset.js',
};
