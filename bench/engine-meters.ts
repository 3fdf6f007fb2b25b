import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import type { LambdaInvoker } from '../shared/engine/ports.ts';
import {
  BY_MACHINE_INDEX,
  BY_MACHINE_STATUS_INDEX,
  HEAD_SORT_KEY,
  KEY_PREFIX,
  META_SORT_KEY,
  PARTITION_KEY,
  SORT_KEY,
} from '../shared/eventlog/table.ts';
import type { SqsBatchHandler } from '../shared/queue/event-source-poller.ts';

/**
 * Meters for the durable engine benchmark: SDK middlewares that bill each DynamoDB and SQS request as AWS
 * would, and wrappers that count Lambda invocations and their duration. The embedded services do not report
 * consumed capacity reliably, so the units are computed here from the items themselves, by DynamoDB's rules
 * (awsdocs/amazon-dynamodb-developer-guide, ProvisionedThroughput.md "Capacity Unit Consumption for Reads/Writes",
 * GSI.md "Write Capacity Units", CapacityUnitCalculations "Item sizes and formats").
 */

// ─── DynamoDB ─────────────────────────────────────────────────────────────────────────────────────────

const READ_UNIT_BYTES = 4096;
const WRITE_UNIT_BYTES = 1024;
/** The table's global secondary indexes (both project ALL attributes): an index entry is the whole item. */
const INDEXES = [BY_MACHINE_INDEX, BY_MACHINE_STATUS_INDEX] as const;
/** Items up to this size are kept whole by the meter, for the updates that may follow. */
const KEPT_ITEM_BYTES = 4096;
/** Item kinds that no UpdateItem touches: the meter keeps their size and index keys, not the item. */
const NEVER_UPDATED = new Set(['commits', 'commit chunks']);

export interface DynamoUsage {
  /** Requests by operation (GetItem, Query, PutItem, …). */
  requests: Record<string, number>;
  readUnits: number;
  /** Bytes of the items read, as DynamoDB sizes them. */
  bytesRead: number;
  /** Table and index write units. */
  writeUnits: number;
  /** Write units by the kind of item written (its sort key says which). */
  writeUnitsByItem: Record<string, number>;
  bytesWritten: number;
  /** Conditional puts that lost (they are billed all the same). */
  conditionFailures: number;
  /**
   * Requests and write units by operation and item kind (`PutItem commits`, `Query byMachine`, …), with the
   * partition's label when the meter was given one (say, a parent execution's items apart from its children's).
   */
  byOperation: Record<string, { requests: number; writeUnits: number; readUnits: number }>;
}

interface StoredItem {
  /** The item as written (an UpdateItem is billed on the item it leaves). */
  item: Record<string, unknown>;
  bytes: number;
  /** Each index's key of the item, or undefined when the item is not in that index. */
  indexKeys: Array<string | undefined>;
}

type Operation = (input: Record<string, unknown>, output: Record<string, unknown> | undefined) => void;

/**
 * Bills every request of the DynamoDB clients it is attached to. It sees the document client's values (the
 * middleware runs before marshalling), and it keeps the size and index keys of every item written through it,
 * since a put that replaces an item is billed on the larger of the two and index writes depend on the old keys.
 */
export class DynamoMeter {
  #usage = emptyDynamoUsage();
  readonly #items = new Map<string, StoredItem>();
  readonly #onRequest: (request: ModelledRequest) => void;
  readonly #labelPartition: (partitionKey: string) => string | undefined;
  /** The byOperation entry of the request being billed (writes and reads add their units to it). */
  #current: { requests: number; writeUnits: number; readUnits: number } | undefined;

  /**
   * `onRequest` hears each request (the Lambda meter bills it to the invocation that made it);
   * `labelPartition` names the partitions the breakdown (byOperation) should tell apart.
   */
  constructor(
    onRequest: (request: ModelledRequest) => void = () => {},
    labelPartition: (partitionKey: string) => string | undefined = () => undefined,
  ) {
    this.#onRequest = onRequest;
    this.#labelPartition = labelPartition;
  }

  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        this.#onRequest('dynamodb');
        const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        const input = args.input as Record<string, unknown>;
        this.#usage.requests[operation] = (this.#usage.requests[operation] ?? 0) + 1;
        const entry = this.#operationEntry(operation, input);
        entry.requests += 1;
        try {
          const result = await next(args);
          this.#current = entry;
          this.#bill(operation, input, result.output as unknown as Record<string, unknown>);
          return result;
        } catch (error) {
          this.#current = entry;
          if (operation === 'PutItem' && isConditionFailure(error)) this.#billLostPut(input);
          if (operation === 'UpdateItem' && isConditionFailure(error)) this.#billLostUpdate(input);
          throw error;
        } finally {
          this.#current = undefined;
        }
      },
      { step: 'initialize', name: 'statefoldBenchDynamoMeter' },
    );
  }

  reset(): void {
    this.#usage = emptyDynamoUsage();
  }

  /** Forgets the items it saw written (a benchmark measures the memory they took); its usage stays. */
  forgetItems(): void {
    this.#items.clear();
  }

  snapshot(): DynamoUsage {
    return {
      ...this.#usage,
      requests: { ...this.#usage.requests },
      writeUnitsByItem: { ...this.#usage.writeUnitsByItem },
      byOperation: Object.fromEntries(
        Object.entries(this.#usage.byOperation).map(([key, entry]) => [key, { ...entry }]),
      ),
    };
  }

  /** The breakdown's entry for a request: its operation, the kind of item it touches, the partition's label. */
  #operationEntry(
    operation: string,
    input: Record<string, unknown>,
  ): { requests: number; writeUnits: number; readUnits: number } {
    const keys = (input.Item ?? input.Key) as Record<string, unknown> | undefined;
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    let target: string;
    let partition: unknown;
    if (operation === 'Query') {
      target = typeof input.IndexName === 'string' ? input.IndexName : 'table';
      // The engine's queries name the partition in their first value.
      partition = Object.values(values)[0];
    } else if (keys) {
      target = itemKind(keys);
      partition = keys[PARTITION_KEY];
    } else {
      target = 'other';
    }
    const label = typeof partition === 'string' ? this.#labelPartition(partition) : undefined;
    const key = `${operation} ${target}${label === undefined ? '' : ` (${label})`}`;
    this.#usage.byOperation[key] ??= { requests: 0, writeUnits: 0, readUnits: 0 };
    return this.#usage.byOperation[key];
  }

  #bill(operation: string, input: Record<string, unknown>, output: Record<string, unknown>): void {
    const operations: Record<string, Operation> = {
      GetItem: (request, response) => {
        const item = response?.Item as Record<string, unknown> | undefined;
        this.#read(item === undefined ? 0 : measureItemBytes(item), request.ConsistentRead === true);
      },
      Query: (request, response) => {
        const items = (response?.Items ?? []) as Array<Record<string, unknown>>;
        const bytes = items.reduce((sum, item) => sum + measureItemBytes(item), 0);
        // Index queries are always eventually consistent.
        this.#read(bytes, request.IndexName === undefined && request.ConsistentRead === true);
      },
      PutItem: (request) => this.#put(request),
      UpdateItem: (request) => this.#update(request),
      DeleteItem: (request) => this.#delete(request),
    };
    operations[operation]?.(input, output);
  }

  /** A Query's items count as one read: their total size, rounded up to 4 KB; a read of nothing costs one unit. */
  #read(bytes: number, consistent: boolean): void {
    const units = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
    this.#usage.readUnits += consistent ? units : units / 2;
    if (this.#current) this.#current.readUnits += consistent ? units : units / 2;
    this.#usage.bytesRead += bytes;
  }

  #put(request: Record<string, unknown>): void {
    this.#write(request.TableName, request.Item as Record<string, unknown>);
  }

  /**
   * An UpdateItem is billed as a put of the item it leaves (the larger of the two sizes, and the index entries
   * whose keys it changes), GSI.md "Write Capacity Units". The engine's updates are `SET #a = :v, …` and
   * `REMOVE #a, …`; an item the meter never saw written is the update's key and values alone.
   */
  #update(request: Record<string, unknown>): void {
    const keys = request.Key as Record<string, unknown>;
    const old = this.#items.get(itemKey(request.TableName, keys));
    this.#write(request.TableName, applyUpdateExpression({ ...(old?.item ?? {}), ...keys }, request));
  }

  #write(table: unknown, item: Record<string, unknown>): void {
    const key = itemKey(table, item);
    const old = this.#items.get(key);
    const bytes = measureItemBytes(item);
    // Only small items that an update may touch are kept whole (heads, records): commits never are.
    const next: StoredItem = {
      item: bytes <= KEPT_ITEM_BYTES && !NEVER_UPDATED.has(itemKind(item)) ? item : {},
      bytes,
      indexKeys: readIndexKeys(item),
    };
    // Replacing an item is billed on the larger of the two.
    let units = writeUnits(Math.max(next.bytes, old?.bytes ?? 0));
    INDEXES.forEach((_, i) => {
      units += indexWriteUnits(old, next, i);
    });
    this.#items.set(key, next);
    this.#addWrite(item, units);
    this.#usage.bytesWritten += next.bytes;
  }

  #addWrite(key: Record<string, unknown>, units: number): void {
    const kind = itemKind(key);
    this.#usage.writeUnits += units;
    if (this.#current) this.#current.writeUnits += units;
    this.#usage.writeUnitsByItem[kind] = (this.#usage.writeUnitsByItem[kind] ?? 0) + units;
  }

  /** A failed conditional put: the new item's size when an item was there, one unit when none was. */
  #billLostPut(request: Record<string, unknown>): void {
    const item = request.Item as Record<string, unknown>;
    const old = this.#items.get(itemKey(request.TableName, item));
    this.#addWrite(item, old === undefined ? 1 : writeUnits(measureItemBytes(item)));
    this.#usage.conditionFailures += 1;
  }

  /** A failed conditional update: the stored item's size (one unit when there is none). */
  #billLostUpdate(request: Record<string, unknown>): void {
    const keys = request.Key as Record<string, unknown>;
    const old = this.#items.get(itemKey(request.TableName, keys));
    this.#addWrite(keys, old === undefined ? 1 : writeUnits(old.bytes));
    this.#usage.conditionFailures += 1;
  }

  #delete(request: Record<string, unknown>): void {
    const itemKeys = request.Key as Record<string, unknown>;
    const key = itemKey(request.TableName, itemKeys);
    const old = this.#items.get(key);
    let units = writeUnits(old?.bytes ?? 0);
    for (const indexKey of old?.indexKeys ?? [])
      if (indexKey !== undefined) units += writeUnits(old?.bytes ?? 0);
    this.#items.delete(key);
    this.#addWrite(itemKeys, units);
  }
}

function emptyDynamoUsage(): DynamoUsage {
  return {
    requests: {},
    readUnits: 0,
    bytesRead: 0,
    writeUnits: 0,
    writeUnitsByItem: {},
    bytesWritten: 0,
    conditionFailures: 0,
    byOperation: {},
  };
}

/** Item kinds by sort key (table.ts): the first whose test matches names the item. */
const ITEM_KINDS: ReadonlyArray<readonly [string, (sortKey: string) => boolean]> = [
  ['commits', (sk) => sk.startsWith(KEY_PREFIX.commit)],
  ['commit chunks', (sk) => sk.startsWith(KEY_PREFIX.commitChunk)],
  ['execution heads (with their index entries)', (sk) => sk === HEAD_SORT_KEY],
  ['Map Run child entries', (sk) => sk.startsWith(KEY_PREFIX.mapRunChild)],
  [
    'state machines and revisions',
    (sk) =>
      sk === META_SORT_KEY || sk.startsWith(KEY_PREFIX.revision) || sk.startsWith(KEY_PREFIX.revisionChunk),
  ],
];

function itemKind(key: Record<string, unknown>): string {
  const sortKey = String(key[SORT_KEY]);
  return ITEM_KINDS.find(([, matches]) => matches(sortKey))?.[0] ?? 'other items';
}

function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
}

/**
 * An index's share of a put (GSI.md): a put into the index, a delete and a put when the item's index key
 * changed, a delete when the item left the index, an update when it stayed under the same key.
 */
function indexWriteUnits(old: StoredItem | undefined, next: StoredItem, index: number): number {
  const before = old?.indexKeys[index];
  const after = next.indexKeys[index];
  if (before === undefined && after === undefined) return 0;
  if (before === undefined) return writeUnits(next.bytes);
  if (after === undefined) return writeUnits(old?.bytes ?? 0);
  if (before !== after) return writeUnits(old?.bytes ?? 0) + writeUnits(next.bytes);
  return writeUnits(Math.max(next.bytes, old?.bytes ?? 0));
}

/** `item` after an UpdateExpression of `SET #a = :v, …` and `REMOVE #a, …` clauses (other actions leave it). */
function applyUpdateExpression(
  item: Record<string, unknown>,
  request: Record<string, unknown>,
): Record<string, unknown> {
  const names = (request.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (request.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const name = (token: string) => names[token] ?? token;
  const next = { ...item };
  const expression = String(request.UpdateExpression ?? '');
  for (const [, action, body] of expression.matchAll(
    /\b(SET|REMOVE|ADD|DELETE)\s+(.*?)(?=\s+(?:SET|REMOVE|ADD|DELETE)\s|$)/g,
  )) {
    for (const clause of (body ?? '').split(',').map((part) => part.trim())) {
      if (action === 'REMOVE') delete next[name(clause)];
      const assignment = /^(\S+)\s*=\s*(:\w+)$/.exec(clause);
      if (action === 'SET' && assignment)
        next[name(assignment[1] as string)] = values[assignment[2] as string];
    }
  }
  return next;
}

function readIndexKeys(item: Record<string, unknown>): Array<string | undefined> {
  return INDEXES.map((index) => {
    const pk = item[index.partitionKey];
    const sk = item[index.sortKey];
    return pk === undefined || sk === undefined ? undefined : `${String(pk)}\n${String(sk)}`;
  });
}

function itemKey(table: unknown, item: Record<string, unknown>): string {
  return `${String(table)}\n${String(item[PARTITION_KEY])}\n${String(item[SORT_KEY])}`;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * An item's size as DynamoDB counts it ("Item sizes and formats"): attribute names and string values in UTF-8
 * bytes, binary values by their raw length, a number 1 byte per two significant digits plus 1, a boolean or
 * null 1 byte, a list or map 3 bytes plus 1 byte per element on top of the elements.
 */
export function measureItemBytes(item: Record<string, unknown>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) total += Buffer.byteLength(name, 'utf8') + measureValueBytes(value);
  }
  return total;
}

function measureValueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof Uint8Array) return value.length;
  if (typeof value === 'number' || typeof value === 'bigint') return measureNumberBytes(String(value));
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Set) {
    let total = 0;
    for (const member of value) total += measureValueBytes(member);
    return total;
  }
  if (Array.isArray(value)) {
    return 3 + value.reduce((sum: number, element: unknown) => sum + 1 + measureValueBytes(element), 0);
  }
  if (typeof value === 'object') {
    let total = 3;
    for (const [name, element] of Object.entries(value as Record<string, unknown>)) {
      total += 1 + Buffer.byteLength(name, 'utf8') + measureValueBytes(element);
    }
    return total;
  }
  return 0;
}

function measureNumberBytes(text: string): number {
  const [mantissa = ''] = text.toLowerCase().split('e');
  const digits = mantissa.replace(/[-+.]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

// ─── SQS ──────────────────────────────────────────────────────────────────────────────────────────────

/** SQS bills each 64 KiB chunk of a request's payload as one request. */
const SQS_CHUNK_BYTES = 65_536;

export interface QueueUsage {
  /** Billed requests (64 KiB chunks) by operation; empty receives are not in here. */
  sends: number;
  receives: number;
  deletes: number;
  other: number;
  /** Receives that came back with no message (long polls that timed out). */
  emptyReceives: number;
  messagesSent: number;
  messagesReceived: number;
}

export interface SqsUsage {
  fifo: QueueUsage;
  standard: QueueUsage;
  /** Billed requests by operation and queue name (`SendMessageBatch transitions.fifo`, …). */
  byOperation: Record<string, number>;
}

export function billedRequests(usage: QueueUsage): number {
  return usage.sends + usage.receives + usage.deletes + usage.other;
}

/** Bills every request of the SQS clients it is attached to, by queue type (a `.fifo` URL is a FIFO queue). */
export class SqsMeter {
  #usage = emptySqsUsage();
  readonly #onRequest: (request: ModelledRequest) => void;

  /** `onRequest` hears each request (the Lambda meter bills it to the invocation that made it). */
  constructor(onRequest: (request: ModelledRequest) => void = () => {}) {
    this.#onRequest = onRequest;
  }

  attach(client: SQSClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        this.#onRequest('sqs');
        const result = await next(args);
        this.#bill(
          String(context.commandName ?? 'Unknown').replace(/Command$/, ''),
          args.input as Record<string, unknown>,
          result.output as unknown as Record<string, unknown>,
        );
        return result;
      },
      { step: 'initialize', name: 'statefoldBenchSqsMeter' },
    );
  }

  reset(): void {
    this.#usage = emptySqsUsage();
  }

  snapshot(): SqsUsage {
    return {
      fifo: { ...this.#usage.fifo },
      standard: { ...this.#usage.standard },
      byOperation: { ...this.#usage.byOperation },
    };
  }

  #bill(operation: string, input: Record<string, unknown>, output: Record<string, unknown>): void {
    const url = String(input.QueueUrl ?? '');
    const queue = url.endsWith('.fifo') ? this.#usage.fifo : this.#usage.standard;
    const billedBefore = billedRequests(queue);
    this.#billQueue(queue, operation, input, output);
    const billed = billedRequests(queue) - billedBefore;
    if (billed > 0) {
      const key = `${operation} ${url.slice(url.lastIndexOf('/') + 1)}`;
      this.#usage.byOperation[key] = (this.#usage.byOperation[key] ?? 0) + billed;
    }
  }

  #billQueue(
    queue: QueueUsage,
    operation: string,
    input: Record<string, unknown>,
    output: Record<string, unknown>,
  ): void {
    switch (operation) {
      case 'SendMessage':
        queue.sends += chunks(measureMessageBytes(input));
        queue.messagesSent += 1;
        break;
      case 'SendMessageBatch': {
        const entries = (input.Entries ?? []) as Array<Record<string, unknown>>;
        queue.sends += chunks(entries.reduce((sum, entry) => sum + measureMessageBytes(entry), 0));
        queue.messagesSent += entries.length;
        break;
      }
      case 'ReceiveMessage': {
        const messages = (output.Messages ?? []) as Array<Record<string, unknown>>;
        if (messages.length === 0) {
          queue.emptyReceives += 1;
          break;
        }
        queue.receives += chunks(messages.reduce((sum, message) => sum + measureMessageBytes(message), 0));
        queue.messagesReceived += messages.length;
        break;
      }
      case 'DeleteMessage':
      case 'DeleteMessageBatch':
        queue.deletes += 1;
        break;
      default:
        queue.other += 1;
    }
  }
}

function emptyQueueUsage(): QueueUsage {
  return {
    sends: 0,
    receives: 0,
    deletes: 0,
    other: 0,
    emptyReceives: 0,
    messagesSent: 0,
    messagesReceived: 0,
  };
}

function emptySqsUsage(): SqsUsage {
  return { fifo: emptyQueueUsage(), standard: emptyQueueUsage(), byOperation: {} };
}

function chunks(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / SQS_CHUNK_BYTES));
}

/** A message's payload: its body and its message attributes (names, types and values). */
function measureMessageBytes(message: Record<string, unknown>): number {
  let bytes = Buffer.byteLength(String(message.MessageBody ?? message.Body ?? ''), 'utf8');
  const attributes = (message.MessageAttributes ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, attribute] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(String(attribute.DataType ?? ''), 'utf8');
    if (typeof attribute.StringValue === 'string') bytes += Buffer.byteLength(attribute.StringValue, 'utf8');
    if (attribute.BinaryValue instanceof Uint8Array) bytes += attribute.BinaryValue.length;
  }
  return bytes;
}

// ─── Lambda ───────────────────────────────────────────────────────────────────────────────────────────

export type EngineFunction = 'step' | 'task' | 'timer' | 'api';

/** An AWS request made inside one handler invocation, as the duration model prices it. */
export type ModelledRequest = 'dynamodb' | 'sqs' | 'lambda';

/**
 * What one invocation of an engine function is billed for on AWS, by a stated model rather than by this
 * machine's clock: on AWS a handler waits on DynamoDB, SQS and Lambda over the network and computes on a
 * fraction of a vCPU (Lambda gives 128 MB about 1/14 of one), neither of which the emulators in this process
 * reproduce. Each figure is stated, so the price does not move with the machine or its load.
 */
export interface DurationModel {
  /** The runtime's own work per invocation (event in, response out). */
  invocationMs: number;
  /** Decoding, replaying, deciding and encoding one message, at the function's memory (its CPU share). */
  cpuMsPerMessage: number;
  /** One request's round trip from Lambda, by service (the requests of one invocation summed: an upper bound). */
  requestMs: Record<ModelledRequest, number>;
}

export interface LambdaUsage {
  /** Invocations of the engine's functions: one per SQS batch (step, task, timer) or API call (api). */
  invocations: Record<EngineFunction, number>;
  /** Milliseconds the duration model bills, by function (each invocation rounded up to 1 ms, as Lambda bills). */
  modelledMs: Record<EngineFunction, number>;
  /** Wall milliseconds of the invocations in this process (for comparison: it moves with the machine). */
  wallMs: number;
  /** Messages handled by the queue functions. */
  messages: number;
  /** Invocations of the workflow's own functions by Task states. */
  userInvocations: number;
}

const QUEUE_FUNCTIONS = { transitions: 'step', tasks: 'task', timers: 'timer' } as const;

interface Invocation {
  messages: number;
  requestMs: number;
}

/**
 * Counts Lambda invocations of the engine's handlers (one per batch) and of the workflow's functions, and bills
 * each engine invocation by the duration model: the requests made inside it are told to `noteRequest` by the
 * DynamoDB and SQS meters, through the invocation's async context.
 */
export class LambdaMeter {
  #usage = emptyLambdaUsage();
  readonly #model: DurationModel;
  readonly #current = new AsyncLocalStorage<Invocation>();

  constructor(model: DurationModel) {
    this.#model = model;
  }

  /** For startLocalEngine's `wrapHandler`: one batch is one invocation of the queue's function. */
  wrapHandler = (queue: keyof typeof QUEUE_FUNCTIONS, handler: SqsBatchHandler): SqsBatchHandler => {
    return (event: SQSEvent, context: Context) =>
      this.measure(QUEUE_FUNCTIONS[queue], event.Records.length, () => handler(event, context));
  };

  /** Runs one invocation of `fn` handling `messages` messages (an API call: 1) and bills it. */
  async measure<T>(fn: EngineFunction, messages: number, work: () => Promise<T>): Promise<T> {
    const invocation: Invocation = { messages, requestMs: 0 };
    const start = performance.now();
    try {
      return await this.#current.run(invocation, work);
    } finally {
      const model = this.#model;
      this.#usage.invocations[fn] += 1;
      this.#usage.messages += fn === 'api' ? 0 : messages;
      this.#usage.wallMs += performance.now() - start;
      this.#usage.modelledMs[fn] += Math.ceil(
        model.invocationMs + messages * model.cpuMsPerMessage + invocation.requestMs,
      );
    }
  }

  /** A request made by the code running now: billed to its invocation, if it runs inside one. */
  noteRequest = (request: ModelledRequest): void => {
    const invocation = this.#current.getStore();
    if (invocation) invocation.requestMs += this.#model.requestMs[request];
  };

  /** Counts each Invoke a Task state makes (the task handler waits for it: a request of its invocation). */
  wrapInvoker(invoker: LambdaInvoker): LambdaInvoker {
    return {
      invoke: (request) => {
        this.#usage.userInvocations += 1;
        this.noteRequest('lambda');
        return invoker.invoke(request);
      },
    };
  }

  reset(): void {
    this.#usage = emptyLambdaUsage();
  }

  snapshot(): LambdaUsage {
    return {
      ...this.#usage,
      invocations: { ...this.#usage.invocations },
      modelledMs: { ...this.#usage.modelledMs },
    };
  }
}

function emptyLambdaUsage(): LambdaUsage {
  return {
    invocations: { step: 0, task: 0, timer: 0, api: 0 },
    modelledMs: { step: 0, task: 0, timer: 0, api: 0 },
    wallMs: 0,
    messages: 0,
    userInvocations: 0,
  };
}
