import { findMatchingChoice } from '../../choice/index.ts';
import { applyPayloadTemplate } from '../../dataflow/payload-template.ts';
import { applyResultPath } from '../../dataflow/state-io.ts';
import type { ScopeState } from '../../history/execution-state.ts';
import { evaluateIntrinsic, isIntrinsicCall } from '../../intrinsics/index.ts';
import { evaluatePath, NOT_FOUND } from '../../jsonpath/paths.ts';
import { StatesError, StatesErrors } from '../../language/states-error.ts';
import type { ChoiceState, FailState, PassState, SucceedState, WaitState } from '../../language/types.ts';
import type { Json } from '../../lib/json.ts';
import { parseTimestamp } from '../../lib/timestamps.ts';
import { exitState, failScope, nextOf } from '../flow.ts';
import { attempt, type Step } from '../step.ts';
import { causeOf, enterState, failWith } from './enter.ts';
import { assignVariables } from './state-result.ts';

/** Pass: Result (or the Parameters-shaped input) placed by ResultPath, then OutputPath. */
export function runPass(step: Step, scope: ScopeState, state: PassState): void {
  const entered = enterState(step, scope);
  if (step.infoOf(scope).plainPass && !step.env.inspect) {
    exitState(step, scope, scope.input, nextOf(state), entered);
    return;
  }
  const done = attempt(() => {
    const raw = scope.input;
    let effective = step.select(scope, state.InputPath, raw);
    step.env.inspect?.('afterInputPath', effective);
    if (state.Parameters !== undefined) {
      effective = applyPayloadTemplate(state.Parameters, step.sources(scope, effective), step.intrinsicEnv());
    }
    step.env.inspect?.('afterParameters', effective);
    const result = state.Result !== undefined ? state.Result : effective;
    step.env.inspect?.('result', result);
    const assigned = assignVariables(step, scope, state.Assign, result);
    const placed = applyResultPath(state.ResultPath, raw, result);
    step.env.inspect?.('afterResultPath', placed);
    return { output: step.select(scope, state.OutputPath, placed), assigned };
  });
  if (!done.ok) {
    failWith(step, scope, done.error);
    return;
  }
  exitState(step, scope, done.value.output, nextOf(state), entered, done.value.assigned);
}

/** Succeed: the input (through InputPath and OutputPath) ends the block. */
export function runSucceed(step: Step, scope: ScopeState, state: SucceedState): void {
  const entered = enterState(step, scope);
  const done = attempt(() => {
    const effective = step.select(scope, state.InputPath, scope.input);
    return step.select(scope, state.OutputPath, effective);
  });
  if (!done.ok) {
    failWith(step, scope, done.error);
    return;
  }
  exitState(step, scope, done.value, null, entered);
}

/** Fail: Error/Cause, or ErrorPath/CausePath (a path or an intrinsic call) read from the input. */
export function runFail(step: Step, scope: ScopeState, state: FailState): void {
  const entered = enterState(step, scope);
  const read = (field: 'ErrorPath' | 'CausePath', expression: string): string => {
    const sources = step.sources(scope, scope.input);
    const value = isIntrinsicCall(expression)
      ? evaluateIntrinsic(expression, sources, step.intrinsicEnv())
      : evaluatePath(expression, sources);
    if (value === NOT_FOUND) {
      throw new StatesError(
        StatesErrors.Runtime,
        `The JSONPath '${expression}' specified for the field '${field}' could not be found in the input '${JSON.stringify(scope.input)}'`,
      );
    }
    if (typeof value !== 'string') {
      throw new StatesError(
        StatesErrors.Runtime,
        `The ${field} '${expression}' must resolve to a string, but it resolved to ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
  const done = attempt(() => ({
    error: state.ErrorPath !== undefined ? read('ErrorPath', state.ErrorPath) : state.Error,
    cause: state.CausePath !== undefined ? read('CausePath', state.CausePath) : state.Cause,
  }));
  if (!done.ok) {
    failScope(step, scope, done.error.error, causeOf(step, scope, done.error), entered);
    return;
  }
  failScope(step, scope, done.value.error ?? '', done.value.cause ?? '', entered);
}

/** Choice: the first matching rule's Next, else Default, else States.NoChoiceMatched. */
export function runChoice(step: Step, scope: ScopeState, state: ChoiceState): void {
  const entered = enterState(step, scope);
  const done = attempt(() => {
    const effective = step.select(scope, state.InputPath, scope.input);
    const index = findMatchingChoice(state.Choices, step.sources(scope, effective));
    const rule = state.Choices[index];
    const next = rule ? rule.Next : state.Default;
    if (next === undefined) {
      throw new StatesError(
        StatesErrors.NoChoiceMatched,
        `No Matching Choice Rule and no Default: the input '${JSON.stringify(effective)}' matched none of the rules`,
      );
    }
    // A matched rule's Assign replaces the state's; the state's applies only on the way to Default.
    const assigned = assignVariables(step, scope, rule ? rule.Assign : state.Assign, effective);
    return { next, output: step.select(scope, state.OutputPath, effective), assigned };
  });
  if (!done.ok) {
    failWith(step, scope, done.error);
    return;
  }
  exitState(step, scope, done.value.output, done.value.next, entered, done.value.assigned);
}

/** Wait: computes its deadline on entry (recorded in WaitStateEntered) and exits when its timer fires. */
export function runWait(step: Step, scope: ScopeState, state: WaitState): void {
  const deadline = attempt(() => waitDeadline(step, scope, state));
  if (!deadline.ok) {
    enterState(step, scope);
    failWith(step, scope, deadline.error);
    return;
  }
  const entered = enterState(step, scope, deadline.value);
  step.startTimer(scope, entered, 'wait', deadline.value);
}

export function finishWait(step: Step, scope: ScopeState, state: WaitState): void {
  const done = attempt(() => {
    const effective = step.select(scope, state.InputPath, scope.input);
    const assigned = assignVariables(step, scope, state.Assign, effective);
    return { output: step.select(scope, state.OutputPath, effective), assigned };
  });
  if (!done.ok) {
    failWith(step, scope, done.error);
    return;
  }
  exitState(step, scope, done.value.output, nextOf(state), scope.lastEventId, done.value.assigned);
}

/** When a Wait state ends; the texts of its errors are AWS's (`$.x == value`, the value unquoted). */
function waitDeadline(step: Step, scope: ScopeState, state: WaitState): number {
  const effective = step.select(scope, state.InputPath, scope.input);
  const runtime = (detail: string) => new StatesError(StatesErrors.Runtime, detail);
  const shown = (value: Json) => (typeof value === 'string' ? value : JSON.stringify(value));
  if (state.Seconds !== undefined) return step.now + Number(state.Seconds) * 1000;
  if (state.SecondsPath !== undefined) {
    const path = state.SecondsPath;
    const seconds = evaluatePath(path, step.sources(scope, effective));
    if (seconds === NOT_FOUND)
      throw runtime(`The SecondsPath parameter does not reference an input value: ${path}`);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
      throw runtime(
        `The SecondsPath parameter cannot be parsed as a long value: ${path} == ${shown(seconds)}`,
      );
    }
    if (seconds < 0)
      throw runtime(`The SecondsPath parameter references a negative value: ${path} == ${seconds}`);
    return step.now + seconds * 1000;
  }
  if (state.Timestamp !== undefined) {
    // Validation rejects a literal that is not a timestamp, so this only guards against a definition that
    // skipped it.
    const instant = parseTimestamp(state.Timestamp);
    if (instant === undefined)
      throw runtime(`The Timestamp field is not a valid timestamp: ${state.Timestamp}`);
    return untilAtMostAYear(step, instant);
  }
  const path = state.TimestampPath as string;
  const timestamp = evaluatePath(path, step.sources(scope, effective));
  if (timestamp === NOT_FOUND)
    throw runtime(`The TimestampPath parameter does not reference an input value: ${path}`);
  const instant = typeof timestamp === 'string' ? parseTimestamp(timestamp) : undefined;
  if (instant === undefined) {
    throw runtime(
      `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${path} == ${shown(timestamp)}`,
    );
  }
  return untilAtMostAYear(step, instant);
}

/** A Standard execution lasts at most a year: a Wait until later than that is refused, as AWS refuses it. */
const MAX_WAIT_MS = 365 * 24 * 3600 * 1000;

function untilAtMostAYear(step: Step, instant: number): number {
  if (instant - step.now > MAX_WAIT_MS)
    throw new StatesError(StatesErrors.Runtime, 'Wait state delay is too long.');
  return Math.max(instant, step.now);
}
