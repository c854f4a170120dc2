module.exports = {
  displayName: 'models',
  preset: '../jest.preset.js',
  roots: ['<rootDir>/training'],
};
