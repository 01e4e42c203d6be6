// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'data/', 'coverage/', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through @vcc/config.' },
      ],
    },
  },
  {
    // Only collectors talk to vCenter (ARCHITECTURE.md, decision 1): the shapes other apps share with
    // them come from @vcc/contract. Allowed: the collector, libs/vsphere itself, the simulator's WSDL
    // and line-protocol helpers, and the suites and benches that exercise the collector and the client.
    files: ['**/*.ts'],
    ignores: [
      'apps/collector/**',
      'libs/vsphere/**',
      'apps/simulator/soap/**',
      'test/support/line-protocol.ts',
      'test/collector/**',
      'test/vsphere/**',
      'bench/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@vcc/vsphere', '@vcc/vsphere/**', '**/vsphere', '**/vsphere/**'],
              message: 'Only the collector may use libs/vsphere; take shared shapes from @vcc/contract.',
            },
          ],
        },
      ],
    },
  },
  {
    // The config loader is the one place that reads the environment; tests and benches start processes.
    files: ['libs/config/**', 'test/**', 'bench/**', '**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-console': 'off' },
  },
);
