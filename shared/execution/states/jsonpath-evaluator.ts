import { applyResultPath } from '../../dataflow/state-io.ts';
import type { ScopeState } from '../../history/execution-state.ts';
import type { MapState, ParallelState } from '../../language/types.ts';
import { assertNever } from '../../lib/assert-never.ts';
import type { Json } from '../../lib/json.ts';
import { getCatcher } from '../error-handling.ts';
import { exitState, failScope, nextOf } from '../flow.ts';
import type { StateEvaluator } from '../state-evaluator.ts';
import { attempt, type Step } from '../step.ts';
import { prepareJsonPathItems, retryChildren, runMap, runParallel } from './children.ts';
import { failWith } from './enter.ts';
import { finishWait, runChoice, runFail, runPass, runSucceed, runWait } from './simple-states.ts';
import { assignVariables, processResult } from './state-result.ts';
import { completeTask, retryTask, runTask } from './task.ts';

/** The states in JSONPath mode: paths and payload templates, all evaluated synchronously. */
export const JSONPATH_EVALUATOR: StateEvaluator = {
  run: runJsonPathState,
  completeTask,
  finishWait,
  retry: retryJsonPathState,
  finishChildren: finishJsonPathChildren,
  prepareItems: prepareJsonPathItems,
  catchFailure: catchJsonPathFailure,
};

function runJsonPathState(step: Step, scope: ScopeState): void {
  const state = step.stateOf(scope);
  switch (state.Type) {
    case 'Pass':
      runPass(step, scope, state);
      return;
    case 'Task':
      runTask(step, scope, state);
      return;
    case 'Choice':
      runChoice(step, scope, state);
      return;
    case 'Wait':
      runWait(step, scope, state);
      return;
    case 'Succeed':
      runSucceed(step, scope, state);
      return;
    case 'Fail':
      runFail(step, scope, state);
      return;
    case 'Parallel':
      runParallel(step, scope, state);
      return;
    case 'Map':
      runMap(step, scope, state);
      return;
    default:
      assertNever(state, 'state type');
  }
}

function retryJsonPathState(step: Step, scope: ScopeState): void {
  const state = step.stateOf(scope);
  if (state.Type === 'Task') retryTask(step, scope, state);
  else retryChildren(step, scope);
}

/** ResultSelector, ResultPath and OutputPath over the children's results, then exit. */
function finishJsonPathChildren(step: Step, parent: ScopeState, results: Json, prev: number): void {
  const state = step.stateOf(parent) as ParallelState | MapState;
  const done = attempt(() => processResult(step, parent, state, results));
  if (!done.ok) {
    failWith(step, parent, done.error);
    return;
  }
  exitState(step, parent, done.value.output, nextOf(state), prev, done.value.assigned);
}

/** The catcher's ResultPath places the error output into the state's input; its Assign reads that output. */
function catchJsonPathFailure(
  step: Step,
  scope: ScopeState,
  index: number,
  error: string,
  cause: string,
  prev: number,
): void {
  const catcher = getCatcher(step.stateOf(scope), index);
  const errorOutput = { Error: error, Cause: cause };
  const placed = attempt(() => ({
    output: applyResultPath(catcher.ResultPath, scope.input, errorOutput),
    assigned: assignVariables(step, scope, catcher.Assign, errorOutput),
  }));
  if (!placed.ok) {
    failScope(step, scope, placed.error.error, step.runtimeCause(scope, placed.error.errorCause), prev);
    return;
  }
  exitState(step, scope, placed.value.output, catcher.Next, prev, placed.value.assigned);
}
