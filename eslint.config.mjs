// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox and is bundled into every cached
// workflow: no Node built-ins, no I/O libraries, no zod (sdk-typescript #2227).
const sandboxForbidden = {
  patterns: [
    { group: ['node:*'], message: 'Node built-ins are not allowed in workflow code (deterministic sandbox).' },
    { group: ['zod', 'zod/*'], message: 'zod bloats every cached workflow (sdk-typescript #2227): validate in the client or activities.' },
    { group: ['undici', 'undici/*'], message: 'I/O belongs in activities, not workflow code.' },
    { group: ['@opentelemetry/*', '@temporalio/interceptors-opentelemetry', '@temporalio/interceptors-opentelemetry/*', '**/tracing/**'],
      message: 'Workflow tracing comes from the SDK interceptor modules the worker adds (src/tracing), not from workflow code.' },
    { group: ['**/activities/*', '!**/activities/index', '**/providers/**', '**/runtime/**', '**/client/**', '**/demo/**'],
      message: 'Workflow code may import activity types only (import type), never providers, runtime or client code.',
      allowTypeImports: true },
  ],
  paths: [
    'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'dns', 'tls', 'stream',
    'events', 'url', 'util', 'worker_threads', 'cluster', 'timers', 'process', 'buffer',
  ].map((name) => ({ name, message: 'Node built-ins are not allowed in workflow code (deterministic sandbox).' })),
};

// Dependencies point one way: what backends import (client helpers, webhook receivers) takes its types
// and limits from src/shared, never from the worker's activities, workflows or hub.
const backendFacing = {
  patterns: [
    { group: ['**/activities', '**/activities/*', '**/workflows', '**/workflows/*', '**/hub/*', '**/delivery/*'],
      message: 'src/client and src/webhooks take their types and limits from src/shared.' },
  ],
};

export default tseslint.config(
  { ignores: ['lib/**', 'dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '.tmp/**', 'test/fixtures/package-app/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/workflows/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', sandboxForbidden],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'No process access in workflow code.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'fetch', message: 'I/O belongs in activities.' },
      ],
    },
  },
  {
    files: ['src/client/**/*.ts', 'src/webhooks/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', backendFacing] },
  },
);
