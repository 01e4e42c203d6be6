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
    // The config loader is the one place that reads the environment; tests and benches start processes.
    files: ['libs/config/**', 'test/**', 'bench/**', '**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-console': 'off' },
  },
);
