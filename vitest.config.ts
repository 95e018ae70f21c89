import { defineConfig } from 'vitest/config';

// Two projects: fast pure-logic tests, and integration tests that run against one real
// local stack (Kafka + registry + Redis) started by the global setup.
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // The stack is shared and the machine has 2 cores: keep integration files serial.
          fileParallelism: false,
        },
      },
    ],
  },
});
