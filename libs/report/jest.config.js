module.exports = {
  displayName: 'report',
  preset: '../../jest.preset.js',
};
