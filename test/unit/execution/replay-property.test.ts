import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runExecution } from '../../../shared/composition/run-execution.ts';
import { replay } from '../../../shared/history/apply-event.ts';

/**
 * Property: for any workflow, replaying the events written so far rebuilds exactly the live state, after
 * every step. Workflows are generated from Pass, Wait, Task (with retries and catches), Choice, Parallel
 * and Map states, nested up to two levels, ending in Succeed or Fail.
 */
type Block = { StartAt: string; States: Record<string, object> };

let counter = 0;
const fresh = (prefix: string) => `${prefix}${counter++}`;

type Shape =
  | { kind: 'pass'; result: number }
  | { kind: 'wait'; seconds: number }
  | { kind: 'task'; fails: number; retries: number; catchAll: boolean }
  | { kind: 'choice'; threshold: number }
  | { kind: 'parallel'; branches: Shape[][] }
  | { kind: 'map'; items: number; concurrency: number; body: Shape[] }
  | { kind: 'fail' };

const leaf: fc.Arbitrary<Shape> = fc.oneof(
  fc.record({ kind: fc.constant('pass' as const), result: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 0, max: 30 }) }),
  fc.record({
    kind: fc.constant('task' as const),
    fails: fc.integer({ min: 0, max: 3 }),
    retries: fc.integer({ min: 0, max: 3 }),
    catchAll: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('choice' as const), threshold: fc.integer({ min: 0, max: 9 }) }),
);

const program: fc.Arbitrary<Shape[]> = fc.letrec<{ shape: Shape; list: Shape[] }>((tie) => ({
  // At most three levels of Parallel/Map: deeper programs (a Map of Maps of Maps…) add nothing to what replay
  // must rebuild but make the after-every-step check quadratic in their thousands of events (20 s and more).
  shape: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 3 },
    leaf,
    fc.record({
      kind: fc.constant('parallel' as const),
      branches: fc.array(tie('list'), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant('map' as const),
      items: fc.integer({ min: 0, max: 4 }),
      concurrency: fc.integer({ min: 0, max: 2 }),
      body: tie('list'),
    }),
    fc.constant({ kind: 'fail' as const }),
  ),
  list: fc.array(tie('shape'), { minLength: 1, maxLength: 4 }),
})).list;

/** Builds a States block running `shapes` in order (a Fail state ends it), ending in Succeed. */
function build(all: Shape[]): Block {
  const failAt = all.findIndex((s) => s.kind === 'fail');
  const shapes = failAt >= 0 ? all.slice(0, failAt + 1) : all;
  const states: Record<string, object> = {};
  const names = shapes.map((s) => fresh(s.kind));
  const end = fresh('done');
  shapes.forEach((s, i) => {
    states[names[i] as string] = toState(s, names[i + 1] ?? end, end);
  });
  // The Succeed state is added only when something leads to it: AWS rejects unreachable states.
  if (JSON.stringify(states).includes(`"${end}"`) || shapes.length === 0) states[end] = { Type: 'Succeed' };
  return { StartAt: names[0] ?? end, States: states };
}

function toState(s: Shape, next: string, end: string): object {
  switch (s.kind) {
    case 'pass':
      return { Type: 'Pass', Result: s.result, ResultPath: '$.last', Next: next };
    case 'wait':
      return { Type: 'Wait', Seconds: s.seconds, Next: next };
    case 'task':
      return {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'flaky', Payload: { fails: s.fails, 'key.$': '$$.State.Name' } },
        ResultSelector: { 'ok.$': '$.Payload' },
        ResultPath: '$.task',
        Retry: s.retries > 0 ? [{ ErrorEquals: ['Flaky'], MaxAttempts: s.retries, IntervalSeconds: 2 }] : [],
        ...(s.catchAll
          ? { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next }] }
          : {}),
        Next: next,
      };
    case 'choice':
      return {
        Type: 'Choice',
        Choices: [{ Variable: '$.n', NumericGreaterThan: s.threshold, Next: next }],
        Default: end,
      };
    case 'parallel':
      return { Type: 'Parallel', Branches: s.branches.map(build), ResultPath: '$.branches', Next: next };
    case 'map':
      return {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: s.concurrency,
        ItemSelector: { 'n.$': '$$.Map.Item.Value', 'items.$': '$.items' },
        ItemProcessor: build(s.body),
        ResultPath: '$.mapped',
        Next: next,
      };
    case 'fail':
      return { Type: 'Fail', Error: 'Generated', Cause: 'a generated Fail state' };
  }
}

describe('replay', () => {
  it('rebuilds the live state after every step of generated workflows', async () => {
    await fc.assert(
      fc.asyncProperty(program, fc.integer({ min: 0, max: 9 }), async (shapes, n) => {
        const attempts = new Map<string, number>();
        const mismatches: number[] = [];
        const definition = build(shapes);
        const result = await runExecution({
          definition,
          input: { n, items: [1, 2, 3, 4].slice(0, 1 + (n % 4)) },
          clock: 'virtual',
          startTime: 0,
          functions: {
            flaky: (payload: unknown) => {
              const event = payload as { fails: number; key: string };
              const seen = (attempts.get(event.key) ?? 0) + 1;
              attempts.set(event.key, seen);
              if (seen <= event.fails) throw Object.assign(new Error(`attempt ${seen}`), { name: 'Flaky' });
              return seen;
            },
          },
          onStep: (state, events) => {
            if (JSON.stringify(replay(structuredClone(events))) !== JSON.stringify(state))
              mismatches.push(events.length);
          },
        });
        expect(['SUCCEEDED', 'FAILED']).toContain(result.status);
        expect(mismatches).toEqual([]);
        // Ids are 1..n in order and every link points backwards.
        result.events.forEach((event, i) => {
          expect(event.id).toBe(i + 1);
          expect(event.previousEventId).toBeLessThan(event.id);
        });
      }),
      { numRuns: 150 },
    );
  });
});
