import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'sandbox/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/fixtures/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    server: {
      deps: {
        // @actions/workflow-parser imports JSON without import attributes, which Node's ESM loader refuses;
        // inlining lets vite transform it.
        inline: ['@actions/workflow-parser', '@actions/expressions'],
      },
    },
  },
});
