// Maps the workspace's `@ai/*` import paths (tsconfig.base.json) to source files for jest.
const path = require('node:path');
const { compilerOptions } = require('../tsconfig.base.json');

const mapping = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  mapping[`^${alias.replace('/', '\\/')}$`] = path.join(__dirname, '..', target);
}
module.exports = mapping;
