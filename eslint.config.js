// A small rule set: ESLint's and typescript-eslint's recommended rules (no type information, so it runs in
// seconds), plus type-only imports written as such. Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      'test-artifacts/',
      'test/fixtures/',
      'test/**/fixtures/',
      'test/meta/fixture-plugin/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // A closure that reads a variable assigned later (a callback wired before its target exists) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Prettier wraps code at 132 columns but not strings or comments: this catches those.
      'max-len': ['error', { code: 132, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    // A function reads as its steps: past 80 lines, name the steps as functions.
    files: ['src/**', 'plugin/**', 'tools/**'],
    rules: { 'max-lines-per-function': ['error', { max: 80 }] },
  },
  {
    files: ['src/engine/console/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
    // Tests load compiled modules from dist/ dynamically; their shapes are asserted, not typed.
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
