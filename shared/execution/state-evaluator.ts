import type { ScopeState } from '../history/execution-state.ts';
import type { MapState, TaskState, WaitState } from '../language/types.ts';
import type { Json } from '../lib/json.ts';
import type { PreparedItems } from './states/children.ts';
import type { Step } from './step.ts';

/**
 * What a state does differently in JSONPath and in JSONata, at the points where the engine's path through a
 * state forks on its query language. The machine's compilation picks one per state (its own QueryLanguage,
 * else the machine's), so no caller asks which language a state uses.
 *
 * JSONPath's operations always return synchronously (the in-memory runner and its benchmark count on a
 * JSONPath step never awaiting); JSONata's may return a promise, since its evaluator is asynchronous.
 */
export interface StateEvaluator {
  /** Enters the scope's current state and runs it as far as it goes without an outside event. */
  run(step: Step, scope: ScopeState): void | Promise<void>;
  /** A Task's result came back (its Succeeded event is `succeededId`): shape the output and exit. */
  completeTask(
    step: Step,
    scope: ScopeState,
    state: TaskState,
    result: Json,
    succeededId: number,
  ): void | Promise<void>;
  /** A Wait state's timer fired: shape the output and exit. */
  finishWait(step: Step, scope: ScopeState, state: WaitState): void | Promise<void>;
  /** A Task, Parallel or Map's retry backoff ended: prepare its input again and run it again. */
  retry(step: Step, scope: ScopeState): void | Promise<void>;
  /**
   * A Parallel or Map's children all succeeded with `results` (their Succeeded events written, the last one
   * `prev`): shape the output and exit. Called in the middle of a step, so it never awaits.
   */
  finishChildren(step: Step, parent: ScopeState, results: Json, prev: number): void;
  /**
   * A Distributed Map's ItemReader read a page of items, the first of them item number `firstIndex` of the run,
   * from the S3 URI `source`: the children's inputs, when the state makes them up front (JSONata's ItemSelector;
   * an ItemBatcher's batches), or nothing to do.
   */
  prepareItems(
    step: Step,
    parent: ScopeState,
    state: MapState,
    items: Json[],
    firstIndex: number,
    source: string | undefined,
  ): PreparedItems | Promise<PreparedItems>;
  /**
   * Catcher `catcher` took the state's failure (written as event `prev`): shape the error output and exit to
   * the catcher's Next. Called in the middle of a step, so it never awaits.
   */
  catchFailure(
    step: Step,
    scope: ScopeState,
    catcher: number,
    error: string,
    cause: string,
    prev: number,
  ): void;
}
