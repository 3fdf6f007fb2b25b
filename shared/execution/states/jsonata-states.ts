import type { ScopeState } from '../../history/execution-state.ts';
import { expressionText } from '../../jsonata/index.ts';
import { payloadTooLargeCause, StatesError, StatesErrors } from '../../language/states-error.ts';
import type {
  ChoiceState,
  FailState,
  MapState,
  ParallelState,
  PassState,
  StateDefinition,
  SucceedState,
  TaskState,
  WaitState,
} from '../../language/types.ts';
import { assertNever } from '../../lib/assert-never.ts';
import { exceedsJsonBytes, isJsonObject, type Json, type JsonObject } from '../../lib/json.ts';
import { parseTimestamp } from '../../lib/timestamps.ts';
import type { ContextExtras } from '../context-object.ts';
import { chooseHandling, getCatcher } from '../error-handling.ts';
import { exitState, failCompositeState, failScope, failState, handleFailure, nextOf } from '../flow.ts';
import {
  BAIL,
  evaluateTemplate,
  evaluateTemplateFast,
  failedField,
  JsonataFieldError,
  type JsonataInputs,
} from '../jsonata-eval.ts';
import type { StateEvaluator } from '../state-evaluator.ts';
import type { Step } from '../step.ts';
import {
  itemReaderResource,
  type PreparedItems,
  startBranches,
  startJsonataMap,
  writerPlan,
} from './children.ts';
import { causeOf, enterState } from './enter.ts';
import { batchItems } from './item-batcher.ts';
import { scheduleTask } from './task.ts';

/**
 * The states in JSONata mode: the same events as in JSONPath mode, with the data shaped by `{% %}`
 * expressions (Arguments, Output, Assign, Condition, Items, …) instead of paths. Evaluation is asynchronous,
 * so these run at the top of a step; where a JSONata state would continue in the middle of another state's
 * step (a Parallel/Map ending, a catch), the engine sends it a `resume` message instead.
 */
interface Outcome {
  output: Json;
  assigned: Record<string, Json> | undefined;
}

export const JSONATA_EVALUATOR: StateEvaluator = {
  run: runJsonataState,
  completeTask: completeJsonataTask,
  finishWait: finishJsonataWait,
  retry: retryJsonataState,
  // Output and Assign are JSONata: they are evaluated in a step of their own (see resumeJsonataState).
  finishChildren: sendResume,
  prepareItems: prepareJsonataItems,
  catchFailure: sendResume,
};

function sendResume(step: Step, scope: ScopeState): void {
  step.send({ type: 'resume', scope: scope.id, ref: scope.ref });
}

function runJsonataState(step: Step, scope: ScopeState): void | Promise<void> {
  const state = step.stateOf(scope);
  switch (state.Type) {
    case 'Pass':
    case 'Succeed':
      // With no Output and no Assign, or only expressions the fast evaluator takes, nothing is awaited.
      if (tryPassFast(step, scope, state)) return;
      return runPassOrSucceed(step, scope, state);
    case 'Task':
      enterState(step, scope);
      return runJsonataTask(step, scope, state);
    case 'Choice':
      if (tryChoiceFast(step, scope, state)) return;
      return runJsonataChoice(step, scope, state);
    case 'Wait':
      return runJsonataWait(step, scope, state);
    case 'Fail':
      return runJsonataFail(step, scope, state);
    case 'Parallel':
      return runJsonataParallel(step, scope, state, enterState(step, scope));
    case 'Map':
      return runJsonataMap(step, scope, state, enterState(step, scope));
    default:
      assertNever(state, 'state type');
  }
}

/** Output and Assign, both evaluated against the values at state entry (Assign's results are not visible to Output). */
async function outcome(
  step: Step,
  scope: ScopeState,
  state: { Output?: Json; Assign?: JsonObject },
  inputs: JsonataInputs,
  fallback: Json,
): Promise<Outcome> {
  const [output, assigned] = await Promise.all([
    state.Output === undefined ? fallback : evaluateTemplate(step, scope, state.Output, 'Output', inputs),
    state.Assign === undefined
      ? undefined
      : (evaluateTemplate(step, scope, state.Assign, 'Assign', inputs) as Promise<Record<string, Json>>),
  ]);
  return { output, assigned };
}

/** Output and Assign by the synchronous evaluator; false (having done nothing) when one needs the library. */
function outcomeFast(
  step: Step,
  scope: ScopeState,
  state: { Output?: Json; Assign?: JsonObject },
  inputs: JsonataInputs,
  fallback: Json,
): Outcome | undefined {
  const output =
    state.Output === undefined ? fallback : evaluateTemplateFast(step, scope, state.Output, 'Output', inputs);
  if (output === BAIL) return undefined;
  if (state.Assign === undefined) return { output, assigned: undefined };
  const assigned = evaluateTemplateFast(step, scope, state.Assign, 'Assign', inputs);
  if (assigned === BAIL) return undefined;
  return { output, assigned: assigned as Record<string, Json> };
}

function tryPassFast(step: Step, scope: ScopeState, state: PassState | SucceedState): boolean {
  const done = outcomeFast(step, scope, state, { input: scope.input }, scope.input);
  if (done === undefined) return false;
  const entered = enterState(step, scope);
  exitState(
    step,
    scope,
    done.output,
    state.Type === 'Succeed' ? null : nextOf(state),
    entered,
    done.assigned,
  );
  return true;
}

function tryChoiceFast(step: Step, scope: ScopeState, state: ChoiceState): boolean {
  const inputs = { input: scope.input };
  let chosen: { next: string; spec: { Output?: Json; Assign?: JsonObject } } | undefined;
  for (const rule of state.Choices) {
    const condition = evaluateTemplateFast(step, scope, rule.Condition ?? false, 'Condition', inputs);
    if (typeof condition !== 'boolean') return false;
    if (condition) {
      chosen = { next: rule.Next as string, spec: rule };
      break;
    }
  }
  if (chosen === undefined) {
    if (state.Default === undefined) return false;
    chosen = { next: state.Default, spec: state };
  }
  const done = outcomeFast(step, scope, chosen.spec, inputs, scope.input);
  if (done === undefined) return false;
  const entered = enterState(step, scope);
  exitState(step, scope, done.output, chosen.next, entered, done.assigned);
  return true;
}

async function runPassOrSucceed(
  step: Step,
  scope: ScopeState,
  state: PassState | SucceedState,
): Promise<void> {
  const entered = enterState(step, scope);
  const inputs = { input: scope.input };
  const done = await settle(outcome(step, scope, state, inputs, scope.input));
  if (!done.ok) return evaluationFailed(step, scope, done.error);
  exitState(
    step,
    scope,
    done.value.output,
    state.Type === 'Succeed' ? null : nextOf(state),
    entered,
    done.value.assigned,
  );
}

/** Evaluates Arguments and the timeouts, then schedules the task (on entry, and again on each retry). */
async function runJsonataTask(step: Step, scope: ScopeState, state: TaskState): Promise<void> {
  const inputs = { input: scope.input };
  const prepared = await settle(
    Promise.all([
      state.Arguments === undefined
        ? scope.input
        : evaluateTemplate(step, scope, state.Arguments, 'Arguments', inputs),
      seconds(step, scope, state.TimeoutSeconds, 'TimeoutSeconds', inputs),
      seconds(step, scope, state.HeartbeatSeconds, 'HeartbeatSeconds', inputs),
    ]),
  );
  if (!prepared.ok) return evaluationFailed(step, scope, prepared.error);
  const [args, timeoutSeconds, heartbeatSeconds] = prepared.value;
  step.env.inspect?.('afterArguments', args);
  scheduleTask(step, scope, state, args, {
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
  });
}

/** A retry's backoff ended: evaluate the state's arguments again and run it again. */
function retryJsonataState(step: Step, scope: ScopeState): Promise<void> {
  const state = step.stateOf(scope);
  switch (state.Type) {
    case 'Task':
      return runJsonataTask(step, scope, state);
    case 'Parallel':
      return runJsonataParallel(step, scope, state, scope.lastEventId);
    case 'Map':
      return runJsonataMap(step, scope, state, scope.lastEventId);
    default:
      return Promise.resolve();
  }
}

async function completeJsonataTask(
  step: Step,
  scope: ScopeState,
  state: TaskState,
  result: Json,
  prev: number,
) {
  step.env.inspect?.('result', result);
  const done = await settle(outcome(step, scope, state, { input: scope.input, result }, result));
  if (!done.ok) return evaluationFailed(step, scope, done.error);
  exitState(step, scope, done.value.output, nextOf(state), prev, done.value.assigned);
}

async function runJsonataChoice(step: Step, scope: ScopeState, state: ChoiceState): Promise<void> {
  const entered = enterState(step, scope);
  const inputs = { input: scope.input };
  const decided = await settle(
    (async () => {
      for (const [index, rule] of state.Choices.entries()) {
        const condition = await evaluateTemplate(step, scope, rule.Condition ?? false, 'Condition', inputs);
        if (typeof condition !== 'boolean') {
          throw new JsonataFieldError(
            'Condition',
            `The Condition field of Choices[${index}] must be a boolean, but was ${JSON.stringify(condition)}`,
          );
        }
        if (condition) return { next: rule.Next as string, spec: rule };
      }
      if (state.Default === undefined) {
        throw new StatesError(StatesErrors.NoChoiceMatched, 'No Matching Choice Rule and no Default');
      }
      return { next: state.Default, spec: state };
    })(),
  );
  if (!decided.ok) return evaluationFailed(step, scope, decided.error);
  // A matched rule's Output and Assign replace the state's; the state's apply only on the way to Default.
  const done = await settle(outcome(step, scope, decided.value.spec, inputs, scope.input));
  if (!done.ok) return evaluationFailed(step, scope, done.error);
  exitState(step, scope, done.value.output, decided.value.next, entered, done.value.assigned);
}

async function runJsonataWait(step: Step, scope: ScopeState, state: WaitState): Promise<void> {
  const inputs = { input: scope.input };
  const deadline = await settle(
    (async () => {
      if (state.Seconds !== undefined) {
        const value = await evaluateTemplate(step, scope, state.Seconds, 'Seconds', inputs);
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
          throw new JsonataFieldError(
            'Seconds',
            `The Seconds field must be a non-negative integer, but was ${JSON.stringify(value)}`,
          );
        }
        return step.now + value * 1000;
      }
      const value = await evaluateTemplate(step, scope, state.Timestamp ?? null, 'Timestamp', inputs);
      const instant = typeof value === 'string' ? parseTimestamp(value) : undefined;
      if (instant === undefined) {
        throw new JsonataFieldError(
          'Timestamp',
          `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
        );
      }
      return Math.max(instant, step.now);
    })(),
  );
  if (!deadline.ok) {
    enterState(step, scope);
    return evaluationFailed(step, scope, deadline.error);
  }
  const entered = enterState(step, scope, deadline.value);
  step.startTimer(scope, entered, 'wait', deadline.value);
}

async function finishJsonataWait(step: Step, scope: ScopeState, state: WaitState): Promise<void> {
  const done = await settle(outcome(step, scope, state, { input: scope.input }, scope.input));
  if (!done.ok) return evaluationFailed(step, scope, done.error);
  exitState(step, scope, done.value.output, nextOf(state), scope.lastEventId, done.value.assigned);
}

async function runJsonataFail(step: Step, scope: ScopeState, state: FailState): Promise<void> {
  const entered = enterState(step, scope);
  const inputs = { input: scope.input };
  const read = async (value: string | undefined, field: 'Error' | 'Cause') => {
    if (value === undefined) return undefined;
    const result = await evaluateTemplate(step, scope, value, field, inputs);
    if (typeof result !== 'string') {
      throw new JsonataFieldError(
        field,
        `The ${field} field must be a string, but was ${JSON.stringify(result)}`,
      );
    }
    return result;
  };
  const done = await settle(Promise.all([read(state.Error, 'Error'), read(state.Cause, 'Cause')]));
  if (!done.ok) return evaluationFailed(step, scope, done.error);
  failScope(step, scope, done.value[0] ?? '', done.value[1] ?? '', entered);
}

async function runJsonataParallel(
  step: Step,
  scope: ScopeState,
  state: ParallelState,
  prev: number,
): Promise<void> {
  const args = await settle(
    state.Arguments === undefined
      ? Promise.resolve(scope.input)
      : evaluateTemplate(step, scope, state.Arguments, 'Arguments', { input: scope.input }),
  );
  if (!args.ok) return evaluationFailed(step, scope, args.error);
  startBranches(step, scope, state, args.value, prev);
}

async function runJsonataMap(step: Step, scope: ScopeState, state: MapState, prev: number): Promise<void> {
  const inputs = { input: scope.input };
  const planned = await settle(
    (async () => {
      const number = (value: number | string | undefined, field: string) =>
        jsonataNumber(step, scope, value, field);
      const writer =
        state.ResultWriter === undefined
          ? undefined
          : writerPlan(
              state.ResultWriter,
              state.ResultWriter.Arguments === undefined || state.ResultWriter.Resource === undefined
                ? {}
                : await evaluateTemplate(step, scope, state.ResultWriter.Arguments, 'Arguments', inputs),
            );
      const settings = {
        maxConcurrency: Math.floor(await number(state.MaxConcurrency, 'MaxConcurrency')),
        toleratedFailureCount: Math.floor(await number(state.ToleratedFailureCount, 'ToleratedFailureCount')),
        toleratedFailurePercentage: await number(
          state.ToleratedFailurePercentage,
          'ToleratedFailurePercentage',
        ),
        ...(writer !== undefined ? { writer } : {}),
      };
      const reader = state.ItemReader;
      if (reader !== undefined) {
        // The items come from S3 once the Map Run has started: ItemSelector and ItemBatcher wait for them.
        const config = isJsonObject(reader.ReaderConfig) ? reader.ReaderConfig : {};
        const { MaxItems, ...readerConfig } = config;
        const parameters =
          reader.Arguments === undefined
            ? {}
            : await evaluateTemplate(step, scope, reader.Arguments, 'Arguments', inputs);
        const maxItems = Math.floor(
          await number(
            typeof MaxItems === 'number' || typeof MaxItems === 'string' ? MaxItems : undefined,
            'MaxItems',
          ),
        );
        return {
          items: [],
          length: 0,
          reader: { resource: itemReaderResource(reader), parameters, readerConfig, maxItems },
          ...settings,
        };
      }
      const items =
        state.Items === undefined
          ? scope.input
          : await evaluateTemplate(step, scope, state.Items, 'Items', inputs);
      if (!Array.isArray(items)) {
        // AWS's EvaluationFailed for this names no location: the items are wrong, not one field's expression.
        throw new JsonataFieldError(
          '',
          state.Items === undefined
            ? `Map state input must be an array but was: ${JSON.stringify(items)}`
            : `The JSONata expression '${expressionText(String(state.Items))}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '${jsonType(items)}' for value: ${JSON.stringify(items)}`,
        );
      }
      // The items are the Map's input: a payload held to the 256 KiB quota before any child is built.
      if (exceedsJsonBytes(items)) {
        throw new StatesError(StatesErrors.DataLimitExceeded, payloadTooLargeCause(scope.stateName));
      }
      return { items: await childInputsOf(step, scope, state, items), length: items.length, ...settings };
    })(),
  );
  if (!planned.ok) return evaluationFailed(step, scope, planned.error);
  startJsonataMap(step, scope, state, planned.value, prev);
}

async function jsonataNumber(
  step: Step,
  scope: ScopeState,
  value: number | string | undefined,
  field: string,
): Promise<number> {
  if (value === undefined) return 0;
  const result =
    typeof value === 'number'
      ? value
      : await evaluateTemplate(step, scope, value, field, { input: scope.input });
  if (typeof result !== 'number' || result < 0) {
    throw new JsonataFieldError(
      field,
      `The ${field} field must be a non-negative number, but was ${JSON.stringify(result)}`,
    );
  }
  return result;
}

/**
 * Every item's input is worked out up front (ItemSelector sees $states.context.Map.Item), so children can start
 * later in any step without evaluating anything; with an ItemBatcher, the batches.
 */
async function childInputsOf(
  step: Step,
  scope: ScopeState,
  state: MapState,
  items: Json[],
  firstIndex = 0,
  source: string | undefined = 'STATE_DATA',
): Promise<Json[]> {
  const inputs = { input: scope.input };
  const selector = state.ItemSelector;
  const inputsForItems =
    selector === undefined
      ? items
      : await selectItems(step, scope, selector, inputs, items, firstIndex, source);
  const batcher = state.ItemBatcher;
  if (batcher === undefined) return inputsForItems;
  const number = (value: number | string | undefined, field: string) =>
    jsonataNumber(step, scope, value, field);
  return batchItems(
    inputsForItems,
    {
      maxItems: Math.floor(await number(batchLimit(batcher.MaxItemsPerBatch), 'MaxItemsPerBatch')),
      maxBytes: Math.floor(await number(batchLimit(batcher.MaxInputBytesPerBatch), 'MaxInputBytesPerBatch')),
    },
    batcher.BatchInput === undefined
      ? undefined
      : await evaluateTemplate(step, scope, batcher.BatchInput, 'BatchInput', inputs),
  );
}

/**
 * Each item through ItemSelector: by the synchronous evaluator where it answers (nothing awaited when it
 * answers for all), the library for the rest.
 */
function selectItems(
  step: Step,
  scope: ScopeState,
  selector: Json,
  inputs: JsonataInputs,
  items: Json[],
  firstIndex: number,
  source: string | undefined,
): Json[] | Promise<Json[]> {
  const extrasOf = (index: number, value: Json): ContextExtras => ({
    mapItem: { index: firstIndex + index, value, source },
  });
  const fast = items.map((value, index) =>
    evaluateTemplateFast(step, scope, selector, 'ItemSelector', inputs, extrasOf(index, value)),
  );
  if (!fast.includes(BAIL)) return fast as Json[];
  return Promise.all(
    fast.map((selected, index) =>
      selected !== BAIL
        ? selected
        : evaluateTemplate(
            step,
            scope,
            selector,
            'ItemSelector',
            inputs,
            extrasOf(index, items[index] as Json),
          ),
    ),
  );
}

/** A JSONata Map's page of items read by its ItemReader: through ItemSelector and ItemBatcher now. */
async function prepareJsonataItems(
  step: Step,
  parent: ScopeState,
  state: MapState,
  items: Json[],
  firstIndex: number,
  source: string | undefined,
): Promise<PreparedItems> {
  if (state.ItemSelector === undefined && state.ItemBatcher === undefined) return { ok: true };
  const prepared = await settle(childInputsOf(step, parent, state, items, firstIndex, source));
  return prepared.ok ? { ok: true, items: prepared.value } : prepared;
}

/**
 * A JSONata Parallel/Map whose children ended (phase `resuming`, kind `children`), or a JSONata state whose
 * failure a catcher took (kind `catch`): evaluate Output and Assign, then exit.
 */
export async function resumeJsonataState(step: Step, scope: ScopeState): Promise<void> {
  const resume = scope.resume;
  if (!resume) return;
  const state = step.stateOf(scope);
  if (resume.kind === 'children') {
    const done = await settle(
      outcome(step, scope, asFields(state), { input: scope.input, result: resume.result }, resume.result),
    );
    if (!done.ok) return evaluationFailed(step, scope, done.error);
    exitState(step, scope, done.value.output, nextOf(state), resume.prev, done.value.assigned);
    return;
  }
  const catcher = getCatcher(state, resume.catcher);
  const errorOutput = { Error: resume.error, Cause: resume.cause };
  const done = await settle(outcome(step, scope, catcher, { input: scope.input, errorOutput }, errorOutput));
  if (!done.ok) {
    failScope(step, scope, done.error.error, causeOf(step, scope, done.error), resume.prev);
    return;
  }
  exitState(step, scope, done.value.output, catcher.Next, resume.prev, done.value.assigned);
}

function asFields(state: StateDefinition): { Output?: Json; Assign?: JsonObject } {
  return state as { Output?: Json; Assign?: JsonObject };
}

/**
 * A JSONata expression failed: AWS writes EvaluationFailed (error, cause, the field, the state), then the
 * state fails with States.QueryEvaluationError, which Task, Parallel and Map may retry or catch.
 */
function evaluationFailed(step: Step, scope: ScopeState, error: StatesError): void {
  const cause = causeOf(step, scope, error);
  if (error.error !== StatesErrors.QueryEvaluationError) {
    failState(step, scope, error.error, cause);
    return;
  }
  const info = step.infoOf(scope);
  const composite = info.type === 'Map' || info.type === 'Parallel';
  const handling = composite
    ? undefined
    : chooseHandling(info.definition, scope, error.error, {
        retriable: true,
        now: step.now,
        random: step.env.random,
      });
  const failed = step.emit({
    type: 'EvaluationFailed',
    scope: scope.id,
    previousEventId: evaluationFailedPrev(step, scope, info.type),
    error: error.error,
    cause,
    location: failedField(error),
    state: scope.stateName,
    ...(handling ? { handling } : {}),
  });
  if (!handling) {
    failCompositeState(step, scope, error.error, cause, failed.id);
    return;
  }
  if (handling.kind === 'retry') {
    step.startTimer(scope, failed.id, 'retry', handling.until);
    return;
  }
  handleFailure(step, scope, handling, error.error, cause, failed.id);
}

/**
 * AWS links EvaluationFailed to what the failing state's Entered event links to when the state fails on
 * entry (test_undefined_reference, the Map Items recordings); a Wait's deadline fails after its Entered
 * event, which it links to (test_wait_timestamp_jsonata).
 */
function evaluationFailedPrev(step: Step, scope: ScopeState, type: StateDefinition['Type']): number {
  if (type === 'Wait' || scope.lastEventId !== scope.enteredEventId) return scope.lastEventId;
  const entered = step.events.findLast((event) => event.id === scope.enteredEventId);
  return entered ? entered.previousEventId : scope.lastEventId;
}

async function seconds(
  step: Step,
  scope: ScopeState,
  value: number | string | undefined,
  field: string,
  inputs: JsonataInputs,
) {
  if (value === undefined || typeof value === 'number') return value;
  const result = await evaluateTemplate(step, scope, value, field, inputs);
  if (typeof result !== 'number' || !Number.isInteger(result) || result < 1) {
    throw new JsonataFieldError(
      field,
      `The ${field} field must be a positive integer, but was ${JSON.stringify(result)}`,
    );
  }
  return result;
}

/** An ItemBatcher limit as written: a number, a `{% %}` expression, or absent. */
const batchLimit = (value: Json | undefined): number | string | undefined =>
  typeof value === 'number' || typeof value === 'string' ? value : undefined;

function jsonType(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return isJsonObject(value) ? 'object' : typeof value;
}

async function settle<T>(
  work: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: StatesError }> {
  try {
    return { ok: true, value: await work };
  } catch (error) {
    if (error instanceof StatesError) return { ok: false, error };
    throw error;
  }
}
