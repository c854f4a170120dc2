module.exports = {
  displayName: 'autoscaling',
  preset: '../../jest.preset.js',
};
