import nx from '@nx/eslint-plugin';

/**
 * Module boundaries, enforced on every `nx lint`. Two axes:
 * - `type:` — apps may import libs, libs never import apps, contracts import nothing of ours;
 * - `scope:` — which libs each part of the system may use: the serving libs belong to inference, the queue
 *   to the dispatcher, workload and report to the load tester (the command-line client reads models and
 *   workloads with both; the embedded stack's local scaler uses the autoscaling policy); `scope:shared` (contracts, logging, the HTTP
 *   skeleton, the PRNG) is open to all. Tests and benchmarks may also use the test-support libs: local-stack
 *   (starts redis-server and the services) and onnx-builder (writes model files).
 */
const typeConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
];
const scopeRules = {
  'scope:shared': ['scope:shared'],
  'scope:inference': ['scope:shared', 'scope:inference'],
  'scope:dispatcher': ['scope:shared', 'scope:dispatcher'],
  'scope:load-tester': ['scope:shared', 'scope:load-tester', 'scope:stack', 'scope:autoscaling'],
  'scope:autoscaling': ['scope:shared'],
  'scope:stack': ['scope:shared'],
  'scope:model-building': ['scope:shared'],
  'scope:models': ['scope:shared', 'scope:model-building'],
  'scope:cli': ['scope:shared', 'scope:inference', 'scope:load-tester'],
  'scope:charts': ['scope:shared', 'scope:stack', 'scope:model-building', 'scope:autoscaling'],
  'scope:system-tests': ['scope:shared', 'scope:stack', 'scope:model-building', 'scope:inference', 'scope:dispatcher', 'scope:load-tester'],
};
const TEST_SUPPORT = ['scope:stack', 'scope:model-building'];
const boundaries = (extra = []) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    allow: [],
    depConstraints: [
      ...typeConstraints,
      ...Object.entries(scopeRules).map(([sourceTag, allowed]) => ({ sourceTag, onlyDependOnLibsWithTags: [...new Set([...allowed, ...extra])] })),
    ],
  },
];
const TEST_FILES = ['**/*.spec.ts', '**/*.test.ts', '**/*.fixture.ts', '**/test/**/*.ts', '**/bench/**/*.ts'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', 'reports/**', 'charts/**', 'k8s/**'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': boundaries(TEST_SUPPORT), '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
