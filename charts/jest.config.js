module.exports = {
  displayName: 'charts',
  preset: '../jest.preset.js',
  // helm renders, a real inference and dispatcher start once per run; allow for a busy 2-core machine.
  testTimeout: 120_000,
};
