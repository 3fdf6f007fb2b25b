import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { SlowestFirst } from './test/support/slowest-first.ts';

// Node keeps the code it compiles (and the TypeScript it strips) in this folder and reuses it: the suite starts
// dozens of Node processes on the same modules (the statefold CLI, npm and npx, the AWS CDK, vitest's own
// workers), and each one after the first skips most of its compile work (cli-start's CPU time fell by a third).
// Set here, before vitest starts its workers, it reaches them and every process they start.
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'statefold-node-compile-cache');

/**
 * Files whose tests run in the test process alone: no server, emulator or timer outlives a test. They share their
 * workers (isolate: false), so the modules they import (the engine, the AWS CDK) are evaluated once per worker
 * rather than once per file, which halves their CPU time. The other files start servers and emulators per file
 * and keep a worker each.
 */
const IN_PROCESS = [
  'test/unit/**/*.test.ts',
  'test/architecture/**/*.test.ts',
  'test/console/**/*.test.ts',
  'test/infra/**/*.test.ts',
];

export default defineConfig({
  test: {
    // A timeout catches a test that hangs, not one that is slow: on 2 cores shared with other work a test of a few
    // seconds can take ten times as long, and vitest's defaults (5 s, hooks 10 s) would fail it.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Most integration files wait on the embedded services' long polls and timers rather than compute, so three
    // files at once keep 2 cores busy (vitest's default on 2 cores is one file at a time).
    maxWorkers: 3,
    sequence: { sequencer: SlowestFirst },
    projects: [
      { extends: true, test: { name: 'in-process', include: IN_PROCESS, isolate: false } },
      {
        extends: true,
        test: {
          name: 'services',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...IN_PROCESS],
        },
      },
    ],
  },
});
