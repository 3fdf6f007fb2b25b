import type { ExecutionInfo } from '../history/events.ts';
import type { ExecutionState, ScopeState } from '../history/execution-state.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';

/**
 * The context object (`$$`): execution, state machine, current state, task token and Map item.
 * Timestamps print like Java's Instant, as AWS's do: milliseconds only when not zero.
 */
export function formatTimestamp(epochMs: number): string {
  // A context object shows the execution's start and the state's entry: the two last written are kept, as
  // building a Date and its text costs more than the rest of the object (a Map's ItemSelector builds one per item).
  if (epochMs === recent[0].epochMs) return recent[0].text;
  if (epochMs === recent[1].epochMs) return recent[1].text;
  const iso = new Date(epochMs).toISOString();
  const text = iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  recent[1] = recent[0];
  recent[0] = { epochMs, text };
  return text;
}

const recent: [{ epochMs: number; text: string }, { epochMs: number; text: string }] = [
  { epochMs: Number.NaN, text: '' },
  { epochMs: Number.NaN, text: '' },
];

export interface ContextExtras {
  /** Set for states that can retry (Task, Parallel, Map): AWS shows RetryCount only there. */
  retryCount?: number;
  taskToken?: string;
  /** Within ItemSelector: the item, its index and where it came from (`Source`: STATE_DATA or an S3 URI). */
  mapItem?: { index: number; value: Json; source?: string | undefined };
  /** Laid over the object built here, field by field (TestState's `context`). */
  override?: JsonObject;
}

export function buildContextObject(
  state: ExecutionState,
  scope: ScopeState,
  extras: ContextExtras = {},
): Json {
  const execution = state.execution as ExecutionInfo;
  const context: JsonObject = {
    Execution: {
      Id: execution.executionArn,
      Input: state.input,
      StartTime: formatTimestamp(execution.startTime),
      Name: execution.name,
      RoleArn: execution.roleArn,
      RedriveCount: execution.redriveCount ?? 0,
      // Only once the execution was redriven, as AWS shows it.
      ...(execution.redriveTime !== undefined ? { RedriveTime: formatTimestamp(execution.redriveTime) } : {}),
    },
    StateMachine: { Id: execution.stateMachineArn, Name: execution.stateMachineName },
    State:
      extras.retryCount === undefined
        ? { Name: scope.stateName, EnteredTime: formatTimestamp(scope.enteredTime) }
        : {
            Name: scope.stateName,
            EnteredTime: formatTimestamp(scope.enteredTime),
            RetryCount: extras.retryCount,
          },
  };
  if (extras.taskToken !== undefined) context.Task = { Token: extras.taskToken };
  if (extras.mapItem) {
    const { index, value, source } = extras.mapItem;
    context.Map = {
      Item: { Index: index, Value: value, ...(source !== undefined ? { Source: source } : {}) },
    };
  }
  return extras.override ? overlay(context, extras.override) : context;
}

/** `over`'s fields replace `base`'s; where both hold an object, their fields are laid over one another. */
function overlay(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = out[key];
    out[key] = isJsonObject(under) && isJsonObject(value) ? overlay(under, value) : value;
  }
  return out;
}
