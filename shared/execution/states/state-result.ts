import { applyPayloadTemplate } from '../../dataflow/payload-template.ts';
import { applyResultPath } from '../../dataflow/state-io.ts';
import type { ScopeState } from '../../history/execution-state.ts';
import type { MapState, ParallelState, TaskState } from '../../language/types.ts';
import type { Json, JsonObject } from '../../lib/json.ts';
import type { Step } from '../step.ts';

/** A state's output and the variables it assigns. */
export interface StateOutcome {
  output: Json;
  assigned: Record<string, Json> | undefined;
}

/**
 * JSONPath Assign: a payload template evaluated against `input` (what `$` means depends on the state) with
 * the variables as they were when the state was entered (they change only when it exits).
 */
export function assignVariables(
  step: Step,
  scope: ScopeState,
  assign: JsonObject | undefined,
  input: Json,
): Record<string, Json> | undefined {
  if (assign === undefined) return undefined;
  return applyPayloadTemplate(assign, step.sources(scope, input), step.intrinsicEnv()) as Record<
    string,
    Json
  >;
}

/**
 * What Task, Parallel and Map do with their result in JSONPath: ResultSelector shapes it (and Assign reads it),
 * ResultPath places it into the raw input, OutputPath selects the output. Throws StatesError.
 */
export function processResult(
  step: Step,
  scope: ScopeState,
  state: TaskState | ParallelState | MapState,
  result: Json,
): StateOutcome {
  step.env.inspect?.('result', result);
  const selected =
    state.ResultSelector === undefined
      ? result
      : applyPayloadTemplate(state.ResultSelector, step.sources(scope, result), step.intrinsicEnv());
  step.env.inspect?.('afterResultSelector', selected);
  const assigned = assignVariables(step, scope, state.Assign, selected);
  const placed = applyResultPath(state.ResultPath, scope.input, selected);
  step.env.inspect?.('afterResultPath', placed);
  return { output: step.select(scope, state.OutputPath, placed), assigned };
}
