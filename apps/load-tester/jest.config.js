module.exports = {
  displayName: 'load-tester',
  preset: '../../jest.preset.js',
  // The end-to-end test starts redis-server, inference and dispatcher processes on a shared 2-core machine.
  testTimeout: 120_000,
};
