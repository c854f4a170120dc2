module.exports = {
  displayName: 'redis-link',
  preset: '../../jest.preset.js',
};
