module.exports = {
  displayName: 'text-generation',
  preset: '../../jest.preset.js',
};
