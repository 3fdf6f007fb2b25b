import { EngineError } from '../engine/engine-error.ts';
import type { RecordEnvelope, TaskEnvelope, TimerEnvelope, TransitionEnvelope } from '../engine/ports.ts';
import type { TaskRequest, TimerPurpose, TransitionMessage } from '../execution/messages.ts';
import { EXECUTION_STATUSES } from '../history/execution-state.ts';
import { assertNever } from '../lib/assert-never.ts';
import { isJsonObject } from '../lib/json.ts';

/**
 * SQS message bodies of the engine's three queues: the envelope as JSON text. Decoding checks the shape
 * field by field, so a handler can tell a poison message (an EngineError with code MalformedMessage, naming
 * the field) from a failure worth retrying.
 */

/** A message body that is not the envelope its queue carries; retrying it can never succeed. */
const malformed = (message: string, options?: ErrorOptions) =>
  new EngineError('MalformedMessage', message, options);

export type Envelope = TransitionEnvelope | TaskEnvelope | TimerEnvelope | RecordEnvelope;

/**
 * The envelope as JSON text SQS accepts. SQS allows #x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF;
 * JSON.stringify already escapes control characters, and escaping every UTF-16 surrogate and U+FFFE/U+FFFF
 * keeps the text valid JSON while sparing emulators that judge characters by UTF-16 code unit (fauxqs
 * rejects astral characters such as emoji).
 */
export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope).replace(/[\uD800-\uDFFF\uFFFE\uFFFF]/g, escapeCodeUnit);
}

function escapeCodeUnit(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

export function decodeTransitionEnvelope(body: string): TransitionEnvelope {
  return decode(body, 'transition', TRANSITION_ENVELOPE) as unknown as TransitionEnvelope;
}

export function decodeTaskEnvelope(body: string): TaskEnvelope {
  return decode(body, 'task', TASK_ENVELOPE) as unknown as TaskEnvelope;
}

/** A message of the tasks queue: a task request, or a record a commit sent (it has a `record` member). */
export function decodeTaskQueueEnvelope(body: string): TaskEnvelope | RecordEnvelope {
  const value = decode(body, 'task', { kind: 'json' });
  if (isJsonObject(value) && Object.hasOwn(value, 'record')) {
    return checked(value, 'record', RECORD_ENVELOPE) as unknown as RecordEnvelope;
  }
  return checked(value, 'task', TASK_ENVELOPE) as unknown as TaskEnvelope;
}

export function decodeTimerEnvelope(body: string): TimerEnvelope {
  return decode(body, 'timer', TIMER_ENVELOPE) as unknown as TimerEnvelope;
}

// ─── Shapes ───────────────────────────────────────────────────────────────────────────────────────────

type Shape =
  | { kind: 'string' }
  | { kind: 'integer' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  /** Any JSON value, but present. */
  | { kind: 'json' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'object'; fields: Fields }
  /** An object whose `tag` member picks its other fields. */
  | { kind: 'variant'; tag: string; cases: Readonly<Record<string, Fields>> };

type Fields = Readonly<Record<string, { shape: Shape; optional?: boolean }>>;

const STRING: Shape = { kind: 'string' };
const INTEGER: Shape = { kind: 'integer' };
const NUMBER: Shape = { kind: 'number' };
const BOOLEAN: Shape = { kind: 'boolean' };
const JSON_VALUE: Shape = { kind: 'json' };
const required = (shape: Shape) => ({ shape });
const optional = (shape: Shape) => ({ shape, optional: true });

const TIMER_PURPOSES: readonly TimerPurpose[] = [
  'wait',
  'retry',
  'taskTimeout',
  'heartbeat',
  'executionTimeout',
];

const PARENT_LINK: Shape = {
  kind: 'object',
  fields: {
    executionArn: required(STRING),
    scope: required(STRING),
    ref: required(INTEGER),
    index: required(INTEGER),
    task: optional({ kind: 'enum', values: ['sync', 'sync:2'] }),
  },
};

const EXECUTION_INFO: Shape = {
  kind: 'object',
  fields: {
    executionArn: required(STRING),
    name: required(STRING),
    stateMachineArn: required(STRING),
    stateMachineName: required(STRING),
    roleArn: required(STRING),
    region: required(STRING),
    accountId: required(STRING),
    startTime: required(NUMBER),
    mapRunArn: optional(STRING),
    source: optional({
      kind: 'object',
      fields: {
        stateMachineArn: required(STRING),
        revisionId: required(STRING),
        mapState: optional(STRING),
      },
    }),
    traceHeader: optional(STRING),
    parent: optional(PARENT_LINK),
    redriveCount: optional(INTEGER),
    redriveTime: optional(NUMBER),
  },
};

const SCOPED = { scope: required(STRING), ref: required(INTEGER) };

// Keyed by the message types, so a new kind of transition cannot be added without its shape here.
const TRANSITION_CASES: Record<TransitionMessage['type'], Fields> = {
  start: { execution: required(EXECUTION_INFO), input: required(JSON_VALUE), inputText: optional(STRING) },
  advance: SCOPED,
  taskSucceeded: { ...SCOPED, output: required(JSON_VALUE) },
  taskFailed: { ...SCOPED, error: required(STRING), cause: required(STRING) },
  taskHeartbeat: SCOPED,
  taskSubmitted: { ...SCOPED, output: required(JSON_VALUE), child: optional(STRING) },
  activityScheduled: SCOPED,
  activityStarted: { ...SCOPED, workerName: required(STRING) },
  activityScheduleFailed: { ...SCOPED, error: required(STRING), cause: required(STRING) },
  timerFired: { ...SCOPED, purpose: required({ kind: 'enum', values: TIMER_PURPOSES }) },
  childSucceeded: { ...SCOPED, index: required(INTEGER), output: required(JSON_VALUE) },
  childFailed: { ...SCOPED, index: required(INTEGER), error: required(STRING), cause: required(STRING) },
  stop: { error: optional(STRING), cause: optional(STRING) },
  redrive: { clientToken: optional(STRING) },
  updateMapRun: {
    mapRunArn: required(STRING),
    maxConcurrency: optional(INTEGER),
    toleratedFailureCount: optional(INTEGER),
    toleratedFailurePercentage: optional(NUMBER),
  },
  fail: { error: required(STRING), cause: required(STRING) },
  resume: SCOPED,
};

const TASK_REQUEST_CASES: Record<TaskRequest['kind'], Fields> = {
  lambda: {
    functionName: required(STRING),
    payload: required(JSON_VALUE),
    style: required({ kind: 'enum', values: ['legacy', 'invoke'] }),
    invocationType: optional({ kind: 'enum', values: ['RequestResponse', 'Event', 'DryRun'] }),
    qualifier: optional(STRING),
    clientContext: optional(STRING),
  },
  unsupported: { resource: required(STRING) },
  activity: { activityArn: required(STRING), input: required(JSON_VALUE), scheduledAt: required(NUMBER) },
  service: {
    service: required(STRING),
    action: required(STRING),
    pattern: required({ kind: 'enum', values: ['request-response', 'sync', 'sync:2', 'waitForTaskToken'] }),
    sdk: required(BOOLEAN),
    parameters: required(JSON_VALUE),
  },
  items: {
    resource: required({ kind: 'enum', values: ['getObject', 'listObjectsV2'] }),
    parameters: required(JSON_VALUE),
    readerConfig: required(JSON_VALUE),
    cursor: required(JSON_VALUE),
    page: required(INTEGER),
    maxItems: required(INTEGER),
  },
  results: {
    mapRunArn: required(STRING),
    parameters: required(JSON_VALUE),
  },
  express: {
    stateMachineArn: required(STRING),
    revisionId: required(STRING),
    executionArn: required(STRING),
    name: required(STRING),
    input: required(STRING),
    startTime: required(NUMBER),
    traceHeader: optional(STRING),
  },
};

const TRANSITION_ENVELOPE: Shape = {
  kind: 'object',
  fields: {
    executionArn: required(STRING),
    id: required(STRING),
    message: required({ kind: 'variant', tag: 'type', cases: TRANSITION_CASES }),
  },
};

const TASK_ENVELOPE: Shape = {
  kind: 'object',
  fields: {
    executionArn: required(STRING),
    scope: required(STRING),
    ref: required(INTEGER),
    request: required({ kind: 'variant', tag: 'kind', cases: TASK_REQUEST_CASES }),
    taskToken: optional(STRING),
    resend: optional(STRING),
  },
};

const EXECUTION_HEAD: Shape = {
  kind: 'object',
  fields: {
    executionArn: required(STRING),
    stateMachineArn: required(STRING),
    name: required(STRING),
    status: required({ kind: 'enum', values: EXECUTION_STATUSES }),
    startDate: required(NUMBER),
    stopDate: optional(NUMBER),
    mapRunArn: optional(STRING),
    redriveCount: optional(INTEGER),
    redriveDate: optional(NUMBER),
    stateMachineVersionArn: optional(STRING),
    stateMachineAliasArn: optional(STRING),
    result: optional({
      kind: 'object',
      fields: { input: required(STRING), output: required(STRING) },
    }),
  },
};

// Keyed by the record kinds, so a new kind of record cannot be added without its shape here.
const RECORD_CASES: Record<RecordEnvelope['record'], Fields> = {
  listing: {
    executionArn: required(STRING),
    head: required(EXECUTION_HEAD),
    asOf: required(INTEGER),
    closed: optional({
      kind: 'object',
      fields: {
        parent: required(PARENT_LINK),
        status: required({
          kind: 'enum',
          values: EXECUTION_STATUSES.filter((status) => status !== 'RUNNING'),
        }),
        output: optional(JSON_VALUE),
        error: optional(STRING),
        cause: optional(STRING),
      },
    }),
    resend: optional(STRING),
  },
  mapRun: {
    executionArn: required(STRING),
    mapRun: required({
      kind: 'object',
      fields: {
        mapRunArn: required(STRING),
        executionArn: required(STRING),
        startDate: required(NUMBER),
      },
    }),
  },
};

const RECORD_ENVELOPE: Shape = { kind: 'variant', tag: 'record', cases: RECORD_CASES };

const TIMER_ENVELOPE: Shape = {
  kind: 'object',
  fields: { dueAt: required(NUMBER), armedAt: optional(NUMBER), transition: required(TRANSITION_ENVELOPE) },
};

// ─── Checking ─────────────────────────────────────────────────────────────────────────────────────────

function decode(body: string, label: string, shape: Shape): unknown {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw malformed(`${label} message body: not JSON (${(error as Error).message})`, { cause: error });
  }
  return checked(value, label, shape);
}

function checked(value: unknown, label: string, shape: Shape): unknown {
  const problem = findProblem(value, shape, '');
  if (problem !== undefined) throw malformed(`${label} message body: ${problem}`);
  return value;
}

/** What is wrong with `value` at `path` (`''` = the body itself), or undefined when it fits `shape`. */
function findProblem(value: unknown, shape: Shape, path: string): string | undefined {
  const where = path === '' ? 'the body' : `'${path}'`;
  switch (shape.kind) {
    case 'string':
      return typeof value === 'string' ? undefined : `${where} must be a string`;
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : `${where} must be an integer`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${where} must be a number`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${where} must be a boolean`;
    case 'json':
      return undefined;
    case 'enum':
      return typeof value === 'string' && shape.values.includes(value)
        ? undefined
        : `${where} must be one of ${shape.values.map((v) => `'${v}'`).join(', ')}`;
    case 'object':
      if (!isJsonObject(value)) return `${where} must be an object`;
      return findFieldProblem(value, shape.fields, path);
    case 'variant': {
      if (!isJsonObject(value)) return `${where} must be an object`;
      const tagPath = path === '' ? shape.tag : `${path}.${shape.tag}`;
      const tag = value[shape.tag];
      const fields =
        typeof tag === 'string' && Object.hasOwn(shape.cases, tag) ? shape.cases[tag] : undefined;
      if (fields === undefined) {
        const known = Object.keys(shape.cases)
          .map((name) => `'${name}'`)
          .join(', ');
        return `'${tagPath}' must be one of ${known}`;
      }
      return findFieldProblem(value, fields, path);
    }
    default:
      return assertNever(shape, 'shape');
  }
}

function findFieldProblem(value: Record<string, unknown>, fields: Fields, path: string): string | undefined {
  for (const [name, field] of Object.entries(fields)) {
    const fieldPath = path === '' ? name : `${path}.${name}`;
    if (!Object.hasOwn(value, name)) {
      if (field.optional) continue;
      return `'${fieldPath}' is missing`;
    }
    const problem = findProblem(value[name], field.shape, fieldPath);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The execution a message body is for, when it says so even if the rest of it is unreadable. */
export function executionArnOfBody(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { executionArn?: unknown };
    return typeof parsed.executionArn === 'string' ? parsed.executionArn : undefined;
  } catch {
    return undefined;
  }
}
