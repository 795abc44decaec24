// Lint rules of the project, run by `npm test`: typescript-eslint's recommended set, unused code, and the layer
// boundaries of ARCHITECTURE.md (the engine is pure; only lsp/ speaks LSP; only the client speaks to VS Code; imports go
// one way) as import restrictions per folder.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_IO = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'child_process',
  'node:child_process',
  'process',
  'node:process',
  'path',
  'node:path',
  'os',
  'node:os',
];
const restrict = (paths, patterns) => ['error', { paths: paths.map((name) => ({ name, message: 'crosses a layer boundary (ARCHITECTURE.md)' })), patterns }];
const layer = (group, message) => ({ group, message });

/**
 * The engine's import boundary. JSON text is modified only through engine/json-edit.ts: jsonc-parser's `modify` with
 * formatting options is quadratic on long lines (a quick fix on a minified template stalled the server).
 */
const engineImports = (jsonEditOnly) => {
  const [level, options] = restrict(
    ['vscode', ...NODE_IO],
    [
      layer(['vscode-languageserver*', 'vscode-languageclient*'], 'the engine is pure: no LSP library (ARCHITECTURE.md)'),
      layer(['**/host/**', '**/lsp/**', '**/cli/**', '**/client/**'], 'the engine is pure: faces and the host import it, not the other way (ARCHITECTURE.md)'),
    ],
  );
  if (jsonEditOnly) options.paths.push({ name: 'jsonc-parser', importNames: ['modify'], message: 'modify JSON text through engine/json-edit.ts (modifyJson)' });
  return [level, options];
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'grammars/', 'test/fixtures/', 'examples/', 'bench/results/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // A handler that closures read before it is assigned stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['vscode'],
        [layer(['vscode-languageserver*', 'vscode-languageclient*'], 'only lsp/ speaks LSP, only the client speaks to VS Code (ARCHITECTURE.md)')],
      ),
    },
  },
  {
    files: ['server/src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': engineImports(true),
      'no-restricted-globals': ['error', { name: 'process', message: 'the engine is pure: the host passes in what it needs' }],
    },
  },
  {
    files: ['server/src/engine/json-edit.ts'],
    rules: { 'no-restricted-imports': engineImports(false) },
  },
  {
    files: ['server/src/engine/rules/**/*.ts', 'server/src/engine/facts/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['vscode', 'web-tree-sitter', 'jsonc-parser', ...NODE_IO],
        [
          layer(['vscode-languageserver*', 'vscode-languageclient*'], 'the engine is pure: no LSP library (ARCHITECTURE.md)'),
          layer(['**/host/**', '**/lsp/**', '**/cli/**', '**/client/**'], 'the engine is pure (ARCHITECTURE.md)'),
          layer(['**/adapters/**'], 'rules and the facts they ask read the model and the graph, never a parser (ARCHITECTURE.md)'),
        ],
      ),
    },
  },
  {
    files: ['server/src/host/**/*.ts', 'server/src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['vscode'],
        [layer(['vscode-languageserver*', 'vscode-languageclient*', '**/lsp/**', '**/cli/**', '**/client/**'], 'imports go one way (ARCHITECTURE.md)')],
      ),
    },
  },
  {
    files: ['server/src/lsp/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(['vscode'], [layer(['vscode-languageclient*', '**/cli/**', '**/client/**'], 'imports go one way (ARCHITECTURE.md)')]),
    },
  },
  {
    files: ['server/src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['vscode'],
        [layer(['vscode-languageserver*', 'vscode-languageclient*', '**/lsp/**', '**/client/**'], 'imports go one way (ARCHITECTURE.md)')],
      ),
    },
  },
  {
    files: ['client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            layer(
              ['**/server/src/*', '!**/server/src/protocol', '**/server/src/*/**', '!**/server/src/protocol/**'],
              'the client reaches the server only for protocol types (ARCHITECTURE.md)',
            ),
          ],
        },
      ],
    },
  },
  {
    // Tests match the escape codes of colored output.
    files: ['test/**/*.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
