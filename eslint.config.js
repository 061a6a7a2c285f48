import tseslint from 'typescript-eslint';

export default tseslint.config(
  // web/: its sources are linted (web/src, with web/tsconfig.json); its build output and packages are not.
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'web/dist/**', 'web/node_modules/**', 'web/scripts/**', 'web/vite.config.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', 'web/src/**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The web takes only types from the API contract (its zod schemas stay out of the bundle); names of kinds come
    // from @contract/labels, the camera source helper from @contract/sources and the reading of a face model's
    // false-match curve from @contract/face-far, which have no zod.
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: '@contract', message: 'import type from @contract (values: @contract/labels, @contract/sources, @contract/face-far)', allowTypeImports: true }],
        patterns: [{ regex: '^@contract/(?!labels$|sources$|face-far$)', message: 'import type from @contract (values: @contract/labels, @contract/sources, @contract/face-far)', allowTypeImports: true }],
      }],
    },
  },
);
