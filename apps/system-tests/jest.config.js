// System tests start real processes (redis-server, inference, dispatcher) and inject faults: generous
// per-test timeouts, one file at a time (the preset's single worker), every loop bounded by itself.
module.exports = {
  displayName: 'system-tests',
  preset: '../../jest.preset.js',
  testTimeout: 180_000,
};
