module.exports = {
  displayName: 'model-runtime',
  preset: '../../jest.preset.js',
};
