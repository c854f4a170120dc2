module.exports = {
  displayName: 'dispatcher',
  preset: '../../jest.preset.js',
  // Tests start real processes (redis-server, worker processes through tsx) on a shared 2-core machine.
  testTimeout: 60_000,
};
