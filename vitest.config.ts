import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    environment: 'node',
    // Deadlines are calendar days in Asia/Shanghai; run the suite in a different zone so any
    // accidental use of the process zone shows up as a failure.
    env: { TZ: 'UTC' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two workers on this 2-core machine: tests use their own temp databases and ephemeral ports.
    maxWorkers: 2,
  },
});
