// Type-aware lint: the rule that matters most here is no-floating-promises — a dropped promise in a
// delivery or polling loop is a silently lost event.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'bench/results/**', 'src/dashboard/assets/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    // Boundary: integrations see only the SDK and their own folder (ARCHITECTURE.md).
    files: ['src/integrations/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/engine/**', '**/delivery/**', '**/storage/**', '**/http/**', '**/dashboard/**', '**/cli/**', '**/config.js', '**/main.js'],
          message: 'integrations may import only src/sdk and their own folder' },
      ] }],
    },
  },
  {
    // Boundary: engine and delivery reach storage only through the port.
    files: ['src/engine/**/*.ts', 'src/delivery/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/storage/sqlite/**', '**/storage/postgres/**', '**/integrations/*/**'],
          message: 'use storage/port.ts and the integration registry, never an adapter or a specific integration' },
      ] }],
    },
  },
  {
    // Tests read arbitrary JSON bodies; `any` there is honest.
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
