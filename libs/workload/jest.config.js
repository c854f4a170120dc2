module.exports = {
  displayName: 'workload',
  preset: '../../jest.preset.js',
};
