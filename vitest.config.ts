import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // Most integration files wait on the embedded services' long polls and timers rather than compute, so three
    // files at once keep 2 cores busy (vitest's default on 2 cores is one file at a time).
    maxWorkers: 3,
  },
});
