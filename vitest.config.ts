import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Node keeps the code it compiles (and the TypeScript it strips) in this folder and reuses it: the suite starts
// dozens of Node processes on the same modules (the statefold CLI, npm and npx, the AWS CDK, vitest's own
// workers), and each one after the first skips most of its compile work (cli-start's CPU time fell by a third).
// Set here, before vitest starts its workers, it reaches them and every process they start.
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'statefold-node-compile-cache');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // Most integration files wait on the embedded services' long polls and timers rather than compute, so three
    // files at once keep 2 cores busy (vitest's default on 2 cores is one file at a time).
    maxWorkers: 3,
  },
});
