// ESLint (flat config): TypeScript rules, no import cycles, and the layers of the
// code base enforced as import boundaries. Run by `npm run lint` and by CI.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const importX = require('eslint-plugin-import-x');
const prettier = require('eslint-config-prettier');

/** `from` may not be imported by files in `target` (paths from the project root). */
const zone = (target, from, message) => ({ target, from, message });

/**
 * Dependencies point one way: platform ← stubs, subgraphs ← gateway ← entry points
 * (src/main.ts, src/stack.ts, src/scripts); each subgraph and its resolvers stay out
 * of the other's; nothing in src/ imports bench/ or the seed tooling in seeds/.
 */
const LAYERS = [
  zone(
    './src/platform',
    ['./src/gateway', './src/subgraphs', './src/stubs', './src/scripts', './src/main.ts', './src/stack.ts', './resolvers'],
    'platform/ is the bottom layer: it imports nothing above it.',
  ),
  zone('./src/stubs', ['./src/gateway', './src/subgraphs', './src/scripts', './resolvers'], 'The stub is another agency’s service: it knows only the shared platform.'),
  zone(
    './src/subgraphs/catalogue',
    ['./src/subgraphs/population', './resolvers/population', './src/gateway', './src/stubs', './src/scripts', './src/main.ts', './src/stack.ts'],
    'The catalogue subgraph stands alone.',
  ),
  zone(
    './src/subgraphs/population',
    ['./src/subgraphs/catalogue', './resolvers/catalogue', './src/gateway', './src/scripts', './src/main.ts', './src/stack.ts'],
    'The population subgraph never reads the catalogue.',
  ),
  zone('./resolvers/catalogue', ['./src/subgraphs/population', './resolvers/population', './src/gateway'], 'Catalogue resolvers use the catalogue only.'),
  zone('./resolvers/population', ['./src/subgraphs/catalogue', './resolvers/catalogue', './src/gateway'], 'Population resolvers use the population subgraph only.'),
  zone(
    './src/gateway',
    ['./src/subgraphs', './src/stubs', './resolvers', './src/scripts', './src/main.ts', './src/stack.ts'],
    'The gateway knows subgraphs only through the supergraph.',
  ),
  zone('./src', ['./bench', './seeds'], 'Nothing in src/ imports the benchmark or the seed tooling.'),
  zone('./resolvers', ['./bench', './seeds'], 'Nothing in resolvers/ imports the benchmark or the seed tooling.'),
];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/__generated__/**', '.cache/**', '.data/**', 'seeds/sources/**', 'test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.json'] } } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: LAYERS }],
    },
  },
  {
    // Functions stay short where the product lives; tests describe whole scenarios.
    files: ['src/**/*.ts', 'resolvers/**/*.ts', 'seeds/**/*.ts', 'bench/**/*.ts', 'ide-client/**/*.{ts,tsx}'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
  {
    // Tests read GraphQL results as plain JSON.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Resolvers stay thin: they call loaders and query modules, never the driver.
    files: ['resolvers/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'mongodb', message: 'Resolvers never build database queries: use a loader or a query module.' }] }] },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        __filename: 'readonly',
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
