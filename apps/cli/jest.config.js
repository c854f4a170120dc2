module.exports = {
  displayName: 'cli',
  preset: '../../jest.preset.js',
  // The tests run the CLI as a child process against real redis-server, dispatcher and inference processes.
  testTimeout: 120_000,
};
