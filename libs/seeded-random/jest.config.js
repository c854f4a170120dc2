module.exports = {
  displayName: 'seeded-random',
  preset: '../../jest.preset.js',
};
