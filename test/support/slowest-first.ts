import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, longest first (measured one at a time on the 2-core machine; see the README's
 * "Test times"). Most of their time is spent waiting (on npm, child processes, a browser, long polls and real
 * timers), so they start first and the short files fill the cores around them. Without this, a fresh clone (no
 * vitest results cache) runs the larger files first, which put the three durable conformance files (a few lines
 * each) and the package test last, the suite then waiting on them alone.
 */
const SLOWEST = [
  'test/package/packed-package.test.ts',
  'test/integration/cli-start.test.ts',
  'test/integration/activities.test.ts',
  'test/conformance/conformance.test.ts',
  'test/conformance/durable-conformance-1.test.ts',
  'test/conformance/durable-conformance-2.test.ts',
  'test/conformance/durable-conformance-3.test.ts',
  'test/integration/console-browser.test.ts',
  'test/integration/distributed-map-s3.test.ts',
  'test/integration/durable-faults.test.ts',
  'test/integration/cli-dlq.test.ts',
  'test/integration/cli.test.ts',
  'test/integration/decide-failures.test.ts',
  'test/integration/activities-restarts.test.ts',
];

/**
 * The files above first, in their order; then the other files of isolated projects; then those of projects that
 * share their workers (isolate: false), together, as vitest hands a worker on to the next file only when that file
 * is of the same project. Within each part, vitest's order (the results cache, else file size).
 */
export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const index = SLOWEST.indexOf(relative(spec.project.config.root, spec.moduleId).replaceAll('\\', '/'));
      if (index !== -1) return index;
      return spec.project.config.isolate ? SLOWEST.length : SLOWEST.length + 1;
    };
    return sorted
      .map((spec, position) => ({ spec, position, rank: rank(spec) }))
      .sort((a, b) => a.rank - b.rank || a.position - b.position)
      .map(({ spec }) => spec);
  }
}
