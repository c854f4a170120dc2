module.exports = {
  displayName: 'inference',
  preset: '../../jest.preset.js',
  // Real sessions and servers: model loads and the 1,000-request run take seconds on a shared 2-core machine.
  testTimeout: 60_000,
};
