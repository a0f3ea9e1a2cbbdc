// One linter for the repository: typescript-eslint with type information, plus the import boundaries of
// architecture §2 (the core imports no HTTP, SQL or filesystem module; outside it, only its front door). Formatting is Prettier's job.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const coreBoundary = (why) => ({ message: why })
const frontDoorOnly = {
  regex: String.raw`(^|/)core/(?!index\.ts$|model/[^/]+\.ts$|ports/[^/]+\.ts$)`,
  message:
    'outside src/core, import the core from src/core/index.ts (its front door), its model or its ports',
}

export default tseslint.config(
  { ignores: ['node_modules/', '**/dist/', 'bench/results/', '**/public/**/*.js', 'examples/**/public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-param-reassign': 'error',
    },
  },
  {
    // node:test's test() and describe() return promises that the runner itself awaits.
    files: ['test/**/*.ts', 'packages/*/test/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'fastify', ...coreBoundary('core speaks data: no HTTP framework in src/core') },
            { name: 'node:http', ...coreBoundary('core speaks data: no HTTP in src/core') },
            { name: 'node:https', ...coreBoundary('core speaks data: no HTTP in src/core') },
            { name: 'node:fs', ...coreBoundary('core does no I/O: no filesystem in src/core') },
            { name: 'node:fs/promises', ...coreBoundary('core does no I/O: no filesystem in src/core') },
            { name: 'node:sqlite', ...coreBoundary('core reaches stores through src/core/ports') },
            { name: 'pg', ...coreBoundary('core reaches stores through src/core/ports') },
            { name: 'ioredis', ...coreBoundary('core reaches stores through src/core/ports') },
          ],
        },
      ],
    },
  },
  {
    // Architecture §2: outside the core, code sees its front door and its data and port types, nothing inside.
    files: ['src/**/*.ts'],
    ignores: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [frontDoorOnly],
        },
      ],
    },
  },
  {
    // DESIGN §9: one outbound-fetch port (src/core/ports/fetch.ts), implemented in src/net/ with its SSRF
    // defences; no other code in Keyward fetches a URL.
    files: ['src/**/*.ts'],
    ignores: ['src/net/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'reach other servers through the OutboundFetch port (src/net/)' },
      ],
    },
  },
  {
    // The HTTP layer reaches data only through the core; the stores are wired by src/server.ts.
    files: ['src/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            frontDoorOnly,
            { group: ['**/store/**'], message: 'the HTTP layer never imports a store: it calls the core' },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/resource-server/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src/**', '!./**'], message: 'the library depends on nothing of the server' },
          ],
        },
      ],
    },
  },
  {
    // The one script a page runs (the form_post response), in the browser.
    files: ['src/http/assets/*.js'],
    languageOptions: { globals: { document: 'readonly' } },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
)
