import { applyPayloadTemplate } from '../../dataflow/payload-template.ts';
import { selectPath } from '../../dataflow/state-io.ts';
import { childRunName, mapRunChildName } from '../../history/child-run-set.ts';
import {
  type ChildRuns,
  childScopeId,
  itemSource,
  type ScopeState,
  writesToS3,
} from '../../history/execution-state.ts';
import { evaluatePath, NOT_FOUND } from '../../jsonpath/paths.ts';
import { StatesError, StatesErrors } from '../../language/states-error.ts';
import type {
  ItemReaderPlan,
  ItemReaderResource,
  MapState,
  ParallelState,
  ResultWriterPlan,
} from '../../language/types.ts';
import { isJsonObject, type Json, type JsonObject } from '../../lib/json.ts';
import { abortChildren, afterChildSettled, childFailed, failCompositeState, stopChildRuns } from '../flow.ts';
import { attempt, type Step } from '../step.ts';
import { causeOf, enterState, failWith } from './enter.ts';
import { batchItems } from './item-batcher.ts';

/**
 * Parallel and Map: the state starts child scopes (branches, iterations) or child runs (Distributed Map),
 * collects their results in order, and ends when all have ended or one has failed beyond tolerance.
 */

export function runParallel(step: Step, scope: ScopeState, state: ParallelState): void {
  const entered = enterState(step, scope);
  const prepared = attempt(() => {
    const afterInput = step.select(scope, state.InputPath, scope.input);
    return state.Parameters === undefined
      ? afterInput
      : applyPayloadTemplate(state.Parameters, step.sources(scope, afterInput), step.intrinsicEnv());
  });
  if (!prepared.ok) {
    failWith(step, scope, prepared.error);
    return;
  }
  startBranches(step, scope, state, prepared.value, entered);
}

export function startBranches(
  step: Step,
  scope: ScopeState,
  state: ParallelState,
  input: Json,
  prev: number,
): void {
  const started = step.emit({
    type: 'ParallelStateStarted',
    scope: scope.id,
    previousEventId: prev,
    input,
    startAt: state.Branches.map((branch) => branch.StartAt),
  });
  state.Branches.forEach((_branch, index) => {
    step.send({ type: 'advance', scope: childScopeId(started.id, index), ref: started.id });
  });
}

interface MapItems {
  input: Json;
  items: Json[];
}

interface MapSettings {
  maxConcurrency: number;
  toleratedFailureCount: number;
  toleratedFailurePercentage: number;
}

export function runMap(step: Step, scope: ScopeState, state: MapState): void {
  const entered = enterState(step, scope);
  startMap(step, scope, state, entered);
}

/** ItemsPath must select an array; AWS checks it before MapStateStarted. */
function selectItems(step: Step, scope: ScopeState, state: MapState): MapItems {
  const input = step.select(scope, state.InputPath, scope.input);
  const items =
    state.ItemsPath === undefined ? input : selectPath(state.ItemsPath, step.sources(scope, input));
  if (!Array.isArray(items)) {
    throw new StatesError(
      StatesErrors.Runtime,
      `Map state input must be an array but was: ${JSON.stringify(items)}`,
    );
  }
  return { input, items };
}

/**
 * Reads a Map's numeric setting: the field itself, or its Path twin read from the input; absent, 0. AWS reads a
 * number written as text too ("1" ran one iteration at a time, recorded).
 */
function readSetting(
  step: Step,
  scope: ScopeState,
  input: Json,
  fixed: number | string | undefined,
  path: string | undefined,
  field: string,
  kind: 'integer' | 'float',
): number {
  if (typeof fixed === 'number') return fixed;
  if (path === undefined) return 0;
  const found = evaluatePath(path, step.sources(scope, input));
  if (found === NOT_FOUND) throw runtimeError(`Invalid path '${path}' : No results for path: ${path}`);
  const value =
    typeof found === 'string' && found.trim() !== '' && Number.isFinite(Number(found))
      ? Number(found)
      : found;
  if (typeof value !== 'number' || (kind === 'integer' && !Number.isInteger(value))) {
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    throw runtimeError(`The ${field} field refers to value "${shown}" which is not a valid ${kind}: ${path}`);
  }
  return value;
}

const runtimeError = (detail: string) => new StatesError(StatesErrors.Runtime, detail);

/** MaxConcurrency: AWS reads MaxConcurrencyPath before MapStateStarted, and fails the state there. */
function readMaxConcurrency(step: Step, scope: ScopeState, state: MapState, input: Json): number {
  const maxConcurrency = readSetting(
    step,
    scope,
    input,
    state.MaxConcurrency,
    state.MaxConcurrencyPath,
    'MaxConcurrencyPath',
    'integer',
  );
  if (maxConcurrency < 0) {
    throw runtimeError(
      `The MaxConcurrencyPath field refers to value "${maxConcurrency}" which is not a valid integer: ${state.MaxConcurrencyPath ?? 'MaxConcurrency'}`,
    );
  }
  return maxConcurrency;
}

/** The tolerated failures: AWS reads their paths after MapStateStarted (recorded), with these texts. */
function readTolerance(
  step: Step,
  scope: ScopeState,
  state: MapState,
  input: Json,
): Pick<MapSettings, 'toleratedFailureCount' | 'toleratedFailurePercentage'> {
  const toleratedFailureCount = readSetting(
    step,
    scope,
    input,
    state.ToleratedFailureCount,
    state.ToleratedFailureCountPath,
    'ToleratedFailureCountPath',
    'integer',
  );
  if (toleratedFailureCount < 0) throw runtimeError('ToleratedFailureCount cannot be negative.');
  const toleratedFailurePercentage = readSetting(
    step,
    scope,
    input,
    state.ToleratedFailurePercentage,
    state.ToleratedFailurePercentagePath,
    'ToleratedFailurePercentagePath',
    'float',
  );
  if (toleratedFailurePercentage < 0 || toleratedFailurePercentage > 100) {
    throw runtimeError('ToleratedFailurePercentage must be between 0 and 100.');
  }
  return { toleratedFailureCount, toleratedFailurePercentage };
}

function startMap(step: Step, scope: ScopeState, state: MapState, prev: number): void {
  const itemReader = state.ItemReader;
  // With an ItemReader, the items come from S3 once the Map Run has started; ItemsPath is not read.
  const selected = attempt(() =>
    itemReader === undefined
      ? selectItems(step, scope, state)
      : { input: step.select(scope, state.InputPath, scope.input), items: [] },
  );
  if (!selected.ok) {
    failWith(step, scope, selected.error);
    return;
  }
  const { input, items } = selected.value;
  const maxConcurrency = attempt(() => readMaxConcurrency(step, scope, state, input));
  if (!maxConcurrency.ok) {
    failWith(step, scope, maxConcurrency.error);
    return;
  }
  const reader =
    itemReader === undefined ? undefined : attempt(() => planReader(step, scope, itemReader, input));
  if (reader && !reader.ok) {
    failWith(step, scope, reader.error);
    return;
  }
  const writer =
    state.ResultWriter === undefined ? undefined : attempt(() => planWriter(step, scope, state, input));
  if (writer && !writer.ok) {
    failWith(step, scope, writer.error);
    return;
  }
  const batches =
    state.ItemBatcher === undefined || reader !== undefined
      ? undefined
      : attempt(() => batch(step, scope, state, input, items));
  if (batches && !batches.ok) {
    failWith(step, scope, batches.error);
    return;
  }
  const tolerance = attempt(() => readTolerance(step, scope, state, input));
  const childInputs = batches ? batches.value : items;
  const started = emitMapStarted(
    step,
    scope,
    state,
    prev,
    input,
    items.length,
    childInputs,
    batches !== undefined,
    {
      maxConcurrency: maxConcurrency.value,
      ...(tolerance.ok ? tolerance.value : { toleratedFailureCount: 0, toleratedFailurePercentage: 0 }),
    },
    reader?.value,
    writer?.value,
  );
  if (!tolerance.ok) {
    failWith(step, scope, tolerance.error);
    return;
  }
  runChildren(step, scope, state, started);
}

/** The S3 read an ItemReader's Resource names (validation admits only these two). */
export function itemReaderResource(reader: JsonObject): ItemReaderResource {
  const resource = typeof reader.Resource === 'string' ? reader.Resource : '';
  const action = resource.replace(/^arn:aws[\w-]*:states:::s3:/, '');
  if (action === 'getObject' || action === 'listObjectsV2') return action;
  throw runtimeError(`The ItemReader's Resource '${resource}' is not one Statefold can read items with`);
}

/** A JSONPath ItemReader: its Parameters over the Map's input (after InputPath), MaxItems or MaxItemsPath. */
function planReader(step: Step, scope: ScopeState, reader: JsonObject, input: Json): ItemReaderPlan {
  const config = isJsonObject(reader.ReaderConfig) ? reader.ReaderConfig : {};
  const fixed = config.MaxItems;
  const maxItems = readSetting(
    step,
    scope,
    input,
    typeof fixed === 'number' || typeof fixed === 'string' ? fixed : undefined,
    typeof config.MaxItemsPath === 'string' ? config.MaxItemsPath : undefined,
    'MaxItemsPath',
    'integer',
  );
  if (maxItems < 0) {
    throw runtimeError(
      `The MaxItemsPath field refers to value "${maxItems}" which is not a valid positive integer: ${config.MaxItemsPath}`,
    );
  }
  const parameters =
    reader.Parameters === undefined
      ? {}
      : applyPayloadTemplate(reader.Parameters, step.sources(scope, input), step.intrinsicEnv());
  const { MaxItems: _m, MaxItemsPath: _p, ...readerConfig } = config;
  return { resource: itemReaderResource(reader), parameters, readerConfig, maxItems };
}

/** Asks for the next page of a Map Run's items (a task of its own, answered by `receiveItemsPage`). */
function requestItemsPage(
  step: Step,
  parent: ScopeState,
  children: NonNullable<ScopeState['children']>,
): void {
  const reader = children.reader;
  const reading = children.reading;
  if (!reader || !reading) return;
  step.commands.push({
    type: 'runTask',
    scope: parent.id,
    ref: children.startedEventId,
    request: {
      kind: 'items',
      resource: reader.resource,
      parameters: reader.parameters,
      readerConfig: reader.readerConfig,
      cursor: reading.cursor,
      page: reading.page,
      maxItems: reader.maxItems > 0 ? reader.maxItems - reading.itemsRead : 0,
    },
  });
}

/**
 * How many read items may wait to start before the reader pauses: MaxConcurrency's worth (AWS's 10,000 when it is
 * 0), so that children never wait for a page and the parent's state never holds more than that and a page.
 */
const waitingLimit = (children: NonNullable<ScopeState['children']>): number =>
  children.maxConcurrency > 0 ? children.maxConcurrency : 10_000;

/** A paused reader whose waiting items children have taken reads its next page. */
function resumeReading(step: Step, parent: ScopeState): void {
  const children = parent.children;
  if (!children?.reading?.paused || children.total - children.nextIndex >= waitingLimit(children)) return;
  step.emit({ type: 'MapRunItemsRequested', scope: parent.id, previousEventId: 0 });
  requestItemsPage(step, parent, children);
}

/** The Map Run that a task outcome answers, if it is reading its items and the outcome is for its current page. */
export function awaitingItems(
  step: Step,
  scopeId: string,
  ref: number,
  output?: Json,
): ScopeState | undefined {
  const scope = step.state.scopes[scopeId];
  const reading = scope?.children?.reading;
  if (scope?.phase !== 'children' || scope.ref !== ref || !reading || reading.paused) return undefined;
  if (output !== undefined && (!isJsonObject(output) || output.page !== reading.page)) return undefined;
  return scope;
}

/**
 * A page of items came: the state makes them the children's inputs (ItemSelector in JSONata, ItemBatcher), records
 * them, asks for the next page unless enough are waiting, and starts children while MaxConcurrency allows; the
 * Map Run ends once the last page is read and every child has ended.
 */
export function receiveItemsPage(step: Step, parent: ScopeState, output: Json): void | Promise<void> {
  const children = parent.children;
  const reading = children?.reading;
  if (!children?.reader || !reading || !isJsonObject(output)) return;
  if (children.failing) {
    dropItemsPage(step, parent);
    return;
  }
  const page = Array.isArray(output.items) ? output.items : [];
  const maxItems = children.reader.maxItems;
  const items = maxItems > 0 ? page.slice(0, Math.max(0, maxItems - reading.itemsRead)) : page;
  const cursor = output.cursor ?? null;
  const done = cursor === null || (maxItems > 0 && reading.itemsRead + items.length >= maxItems);
  const source = typeof output.source === 'string' ? output.source : undefined;
  const state = step.stateOf(parent) as MapState;
  const prepared = step
    .infoOf(parent)
    .evaluator.prepareItems(step, parent, state, items, reading.itemsRead, source);
  const read: ItemsPage = { items, cursor, done, source };
  if (prepared instanceof Promise) {
    return prepared.then((value) => recordItemsPage(step, parent, read, value));
  }
  recordItemsPage(step, parent, read, prepared);
}

/** A page of items as read: where the reader is after it, whether it was the last, and where it was read from. */
interface ItemsPage {
  items: Json[];
  cursor: Json;
  done: boolean;
  source: string | undefined;
}

function recordItemsPage(step: Step, parent: ScopeState, page: ItemsPage, prepared: PreparedItems): void {
  const { items, cursor, done, source } = page;
  const children = parent.children;
  if (!children) return;
  const prev = children.mapRunStartedEventId ?? parent.lastEventId;
  if (!prepared.ok) {
    failMapRun(step, parent, prepared.error.error, causeOf(step, parent, prepared.error), prev);
    return;
  }
  const inputs = prepared.items ?? items;
  const paused = !done && children.total + inputs.length - children.nextIndex >= waitingLimit(children);
  step.emit({
    type: 'MapRunItemsRead',
    scope: parent.id,
    previousEventId: 0,
    items: inputs,
    read: items.length,
    preselected: prepared.items !== undefined,
    cursor,
    done,
    paused,
    ...(source !== undefined ? { source } : {}),
  });
  if (!done && !paused) requestItemsPage(step, parent, children);
  // As after a child ends: start what MaxConcurrency allows, and end the run once nothing is left.
  afterChildSettled(step, parent, prev, prev);
}

/** What a Map's evaluator made of the items read: the children's inputs (undefined: the items as read). */
export type PreparedItems = { ok: true; items?: Json[] } | { ok: false; error: StatesError };

/** A Map Run fails before any child ran (its items could not be read or prepared): MapRunFailed, then the state. */
export function failMapRun(step: Step, parent: ScopeState, error: string, cause: string, prev: number): void {
  const failed = step.emit({ type: 'MapRunFailed', scope: parent.id, previousEventId: prev, error, cause });
  failCompositeState(step, parent, error, cause, failed.id);
}

/**
 * A JSONPath Map's page of items read by its ItemReader: batched now if it has an ItemBatcher (ItemSelector
 * first, each item with its index in the whole run); a batch never spans two pages.
 */
export function prepareJsonPathItems(
  step: Step,
  parent: ScopeState,
  state: MapState,
  items: Json[],
  firstIndex: number,
  source: string | undefined,
): PreparedItems {
  if (state.ItemBatcher === undefined) return { ok: true };
  const batches = attempt(() =>
    batch(step, parent, state, parent.effectiveInput ?? null, items, { firstIndex, source }),
  );
  return batches.ok ? { ok: true, items: batches.value } : batches;
}

/**
 * A JSONPath ItemBatcher: every item through ItemSelector (each sees its own `$$.Map.Item`), then grouped. The
 * limits and BatchInput are read from the Map's input (after InputPath), before MapStateStarted.
 */
function batch(
  step: Step,
  scope: ScopeState,
  state: MapState,
  input: Json,
  items: Json[],
  from: { firstIndex: number; source: string | undefined } = { firstIndex: 0, source: 'STATE_DATA' },
): Json[] {
  const batcher = state.ItemBatcher ?? {};
  const limit = (field: 'MaxItemsPerBatch' | 'MaxInputBytesPerBatch'): number => {
    const fixed = batcher[field];
    const path = batcher[`${field}Path`];
    const value = readSetting(
      step,
      scope,
      input,
      typeof fixed === 'number' || typeof fixed === 'string' ? fixed : undefined,
      typeof path === 'string' ? path : undefined,
      `${field}Path`,
      'integer',
    );
    if (value < 0) {
      throw runtimeError(
        `The ${field}Path field refers to value "${value}" which is not a valid positive integer: ${path}`,
      );
    }
    return value;
  };
  const limits = { maxItems: limit('MaxItemsPerBatch'), maxBytes: limit('MaxInputBytesPerBatch') };
  const selector = state.ItemSelector ?? state.Parameters;
  const selected =
    selector === undefined
      ? items
      : items.map((value, index) =>
          applyPayloadTemplate(
            selector,
            step.sources(scope, input, {
              mapItem: { index: from.firstIndex + index, value, source: from.source },
            }),
            step.intrinsicEnv(),
          ),
        );
  const batchInput =
    batcher.BatchInput === undefined
      ? undefined
      : applyPayloadTemplate(batcher.BatchInput, step.sources(scope, input), step.intrinsicEnv());
  return batchItems(selected, limits, batchInput);
}

/**
 * A JSONata Map, its items (already through ItemSelector, and batched when it has an ItemBatcher: `length` then
 * counts the items, `items` the batches) and settings evaluated.
 */
export function startJsonataMap(
  step: Step,
  scope: ScopeState,
  state: MapState,
  plan: MapSettings & {
    items: Json[];
    length: number;
    reader?: ItemReaderPlan | undefined;
    writer?: ResultWriterPlan | undefined;
  },
  prev: number,
): void {
  const { items, length, reader, writer, ...settings } = plan;
  runChildren(
    step,
    scope,
    state,
    emitMapStarted(step, scope, state, prev, scope.input, length, items, true, settings, reader, writer),
  );
}

function emitMapStarted(
  step: Step,
  scope: ScopeState,
  state: MapState,
  prev: number,
  input: Json,
  length: number,
  items: Json[],
  preselected: boolean,
  settings: MapSettings,
  reader?: ItemReaderPlan,
  writer?: ResultWriterPlan,
): number {
  const processor = state.ItemProcessor ?? state.Iterator;
  return step.emit({
    type: 'MapStateStarted',
    scope: scope.id,
    previousEventId: prev,
    length,
    input,
    items,
    preselected,
    distributed: processor?.ProcessorConfig?.Mode === 'DISTRIBUTED',
    ...settings,
    ...(reader !== undefined ? { reader } : {}),
    ...(writer !== undefined ? { writer } : {}),
  }).id;
}

function runChildren(step: Step, scope: ScopeState, state: MapState, startedId: number): void {
  const children = scope.children;
  if (!children) return;
  let startPrev = startedId;
  const distributed = children.kind === 'map-run';
  if (distributed) {
    const execution = step.state.execution;
    // Without a Label, AWS puts a whole UUID where the label goes.
    const label = state.Label ?? step.env.uuid();
    const mapRunArn = `arn:aws:states:${execution?.region}:${execution?.accountId}:mapRun:${execution?.stateMachineName}/${label}:${step.env.uuid()}`;
    startPrev = step.emit({
      type: 'MapRunStarted',
      scope: scope.id,
      previousEventId: startedId,
      mapRunArn,
    }).id;
  }
  if (children.reading) {
    requestItemsPage(step, scope, children);
    return;
  }
  if (children.total === 0) {
    finishChildren(step, scope, startPrev);
    return;
  }
  startNextChildren(step, scope, startPrev);
}

/** A Parallel/Map retry's backoff ended: run all branches or iterations again. */
export function retryChildren(step: Step, scope: ScopeState): void {
  const state = step.stateOf(scope);
  if (state.Type === 'Parallel') {
    startBranches(step, scope, state, scope.effectiveInput ?? null, scope.lastEventId);
    return;
  }
  if (state.Type === 'Map') startMap(step, scope, state, scope.lastEventId);
}

/** Starts iterations (or child runs) while MaxConcurrency allows and items remain. */
export function startNextChildren(step: Step, parent: ScopeState, prev: number): void {
  const children = parent.children;
  // A failing Map Run starts no more children (not even when UpdateMapRun raises MaxConcurrency).
  if (!children || children.kind === 'parallel' || children.failing) return;
  const state = step.stateOf(parent) as MapState;
  const processor = state.ItemProcessor ?? state.Iterator;
  const limit = children.maxConcurrency > 0 ? children.maxConcurrency : Number.POSITIVE_INFINITY;
  while (parent.children === children && children.running < limit && hasNextChild(children)) {
    // After a redrive, the iterations that did not succeed start again first.
    const index = children.redo?.[0] ?? children.nextIndex;
    const redriven = childRunName(children.rerunChildRuns, children.mapRunArn ?? '', index);
    if (redriven !== undefined) {
      // A redriven Map Run's child that did not succeed: the same execution is redriven, with its own input.
      step.emit({
        type: 'MapRunChildStarted',
        scope: parent.id,
        previousEventId: 0,
        index,
        input: null,
        executionName: redriven,
        redriven: true,
      });
      step.commands.push({
        type: 'redriveChildRun',
        mapRunArn: children.mapRunArn ?? '',
        executionName: redriven,
      });
      continue;
    }
    const value = children.items[index - (children.itemsOffset ?? 0)] ?? null;
    const input = attempt(() => childInput(step, parent, state, index, value));
    if (!input.ok) {
      abortChildren(step, parent, undefined, prev);
      failCompositeState(step, parent, input.error.error, causeOf(step, parent, input.error), prev);
      return;
    }
    if (children.kind === 'map-run') {
      const executionName = mapRunChildName(children.mapRunArn ?? '', index);
      step.emit({
        type: 'MapRunChildStarted',
        scope: parent.id,
        previousEventId: 0,
        index,
        input: input.value,
        executionName,
      });
      step.commands.push({
        type: 'startChildRun',
        scope: parent.id,
        ref: children.startedEventId,
        index,
        mapState: parent.stateName,
        mapRunArn: children.mapRunArn ?? '',
        executionName,
        input: input.value,
      });
    } else {
      const started = step.emit({
        type: 'MapIterationStarted',
        scope: parent.id,
        previousEventId: prev,
        name: parent.stateName,
        index,
        input: input.value,
        startAt: processor?.StartAt ?? '',
      });
      step.send({ type: 'advance', scope: childScopeId(children.startedEventId, index), ref: started.id });
    }
  }
  if (parent.children === children) resumeReading(step, parent);
}

function hasNextChild(children: ChildRuns): boolean {
  return (children.redo?.length ?? 0) > 0 || children.nextIndex < children.total;
}

/** All children ended well: write the Succeeded events, then the state's evaluator shapes the output and exits. */
export function finishChildren(step: Step, parent: ScopeState, prev: number): void {
  const children = parent.children;
  if (!children) return;
  const writer = children.writer;
  if (children.kind === 'map-run' && writesToS3(writer)) {
    // The results go to S3 first (the run kept none); the Map's output is where they went (receiveWrittenResults).
    requestResults(step, parent);
    return;
  }
  const results: Json[] = Array.from({ length: children.total }, (_, i) => children.results[i] ?? null);
  if (children.kind === 'map-run') {
    // A WriterConfig alone shapes the output: COMPACT (the children's outputs, as without a ResultWriter) or FLATTEN.
    succeedMapRun(
      step,
      parent,
      writer?.transformation === 'FLATTEN' ? flattenResults(results) : results,
      prev,
    );
    return;
  }
  const type = children.kind === 'parallel' ? 'ParallelStateSucceeded' : 'MapStateSucceeded';
  step.emit({ type, scope: parent.id, previousEventId: prev, output: results });
  step.infoOf(parent).evaluator.finishChildren(step, parent, results, prev);
}

/** Item `index`'s input: the item through the Map's ItemSelector (or Parameters), unless they were applied. */
function childInput(step: Step, parent: ScopeState, state: MapState, index: number, value: Json): Json {
  const children = parent.children;
  const selector = children?.preselected ? undefined : (state.ItemSelector ?? state.Parameters);
  if (!children || selector === undefined) return value;
  return applyPayloadTemplate(
    selector,
    step.sources(parent, parent.effectiveInput ?? null, {
      mapItem: { index, value, source: itemSource(children, index) },
    }),
    step.intrinsicEnv(),
  );
}

/** Asks the task handler to write the Map Run's results to S3 (answered by `receiveWrittenResults`). */
function requestResults(step: Step, parent: ScopeState): void {
  const children = parent.children;
  const writer = children?.writer;
  if (!children || !writesToS3(writer)) return;
  step.commands.push({
    type: 'runTask',
    scope: parent.id,
    ref: children.startedEventId,
    request: {
      kind: 'results',
      mapRunArn: children.mapRunArn ?? '',
      parameters: writer.parameters ?? {},
      ...(writer.outputType !== undefined ? { outputType: writer.outputType } : {}),
      ...(writer.transformation !== undefined ? { transformation: writer.transformation } : {}),
      ...(children.mapRunRedriveCount ? { attempt: children.mapRunRedriveCount } : {}),
      // A failed run's items never started are written too, as PENDING.
      ...(children.failing ? { pending: true } : {}),
    },
  });
}

/**
 * A Map Run that writes its results to S3 failed beyond its tolerance. AWS writes the results of a failed run too
 * (the children that ran, and the items never started as PENDING), then fails it: the run starts no more children,
 * stops those running, and asks for its results once the last of them has ended (`settleChildRun`); MapRunFailed
 * and the state's failure follow the write (`receiveWrittenResults`).
 */
export function failWritingResults(step: Step, parent: ScopeState, error: string, cause: string): void {
  step.emit({ type: 'MapRunFailing', scope: parent.id, previousEventId: 0, error, cause });
  stopChildRuns(step, parent);
  requestResultsOnceEnded(step, parent);
}

/**
 * A failing Map Run's results are asked for once its last child has ended and no page of its items is being
 * read: a page's answer comes to the same scope and ref as the results', and would otherwise be taken for them.
 */
function requestResultsOnceEnded(step: Step, parent: ScopeState): void {
  const children = parent.children;
  if (children?.running === 0 && !readingPage(children)) requestResults(step, parent);
}

/** Whether a page of the Map Run's items was asked for and has not come. */
function readingPage(children: ChildRuns): boolean {
  return children.reading !== undefined && !children.reading.paused;
}

/**
 * A page of items (or its failure) that comes to a failing Map Run: the run reads no more, so the page is
 * dropped and the reading ended (MapRunItemsRead, with nothing read); the results are asked for if nothing
 * else runs.
 */
export function dropItemsPage(step: Step, parent: ScopeState): void {
  const children = parent.children;
  if (!children) return;
  step.emit({
    type: 'MapRunItemsRead',
    scope: parent.id,
    previousEventId: 0,
    items: [],
    read: 0,
    preselected: children.preselected,
    cursor: null,
    done: true,
    paused: false,
  });
  requestResultsOnceEnded(step, parent);
}

/**
 * The inputs a failed Map Run's items never started would have had (after ItemSelector, or as batched), in order:
 * its ResultWriter lists them as PENDING. Items its ItemReader had not read yet are not among them.
 */
export function pendingChildInputs(step: Step, parent: ScopeState): Json[] {
  const children = parent.children;
  if (children?.kind !== 'map-run') return [];
  const state = step.stateOf(parent) as MapState;
  const offset = children.itemsOffset ?? 0;
  const inputs: Json[] = [];
  for (let index = children.nextIndex; index < children.total; index++) {
    const value = children.items[index - offset] ?? null;
    const input = attempt(() => childInput(step, parent, state, index, value));
    // An item its ItemSelector cannot take never had an input: it is listed as it was read.
    inputs.push(input.ok ? input.value : value);
  }
  return inputs;
}

/** FLATTEN: each child's output that is an array gives its elements in its place; any other output stays one. */
function flattenResults(results: Json[]): Json[] {
  return results.flatMap((result) => (Array.isArray(result) ? result : [result]));
}

/** A Map Run ended well with `output` (its results, or where a ResultWriter wrote them): the state exits. */
function succeedMapRun(step: Step, parent: ScopeState, output: Json, prev: number): void {
  const runStarted = parent.children?.mapRunStartedEventId;
  const run = step.emit({ type: 'MapRunSucceeded', scope: parent.id, previousEventId: prev, output });
  step.emit({ type: 'MapStateSucceeded', scope: parent.id, previousEventId: run.id, output });
  // AWS links a Distributed Map's MapStateExited to its MapRunStarted event, not to the events just before it.
  step.infoOf(parent).evaluator.finishChildren(step, parent, output, runStarted ?? run.id);
}

/** The Map Run whose ResultWriter a task outcome answers: all its children ended, its results being written. */
export function awaitingWrittenResults(step: Step, scopeId: string, ref: number): ScopeState | undefined {
  const scope = step.state.scopes[scopeId];
  const children = scope?.children;
  if (scope?.phase !== 'children' || scope.ref !== ref || !writesToS3(children?.writer)) return undefined;
  if (children.running > 0) return undefined;
  // A failing run writes with items left (once no page is being read); a succeeding one once every item is read
  // and ended.
  const ended =
    children.failing !== undefined
      ? !readingPage(children)
      : !children.reading && children.nextIndex >= children.total;
  return ended ? scope : undefined;
}

/**
 * The ResultWriter wrote the results: the Map's output says where (`{MapRunArn, ResultWriterDetails}`); a failing
 * run fails now, as AWS fails it once its results are written.
 */
export function receiveWrittenResults(step: Step, parent: ScopeState, output: Json): void {
  const failing = parent.children?.failing;
  if (failing) {
    const { error, cause } = failing;
    const failed = step.emit({
      type: 'MapRunFailed',
      scope: parent.id,
      previousEventId: parent.lastEventId,
      error,
      cause,
    });
    failCompositeState(step, parent, error, cause, failed.id);
    return;
  }
  succeedMapRun(step, parent, output, parent.lastEventId);
}

/** A JSONPath ResultWriter: its Parameters over the Map's input (after InputPath), when the Map starts. */
function planWriter(step: Step, scope: ScopeState, state: MapState, input: Json): ResultWriterPlan {
  const writer = state.ResultWriter ?? {};
  return writerPlan(
    writer,
    writer.Parameters === undefined
      ? {}
      : applyPayloadTemplate(writer.Parameters, step.sources(scope, input), step.intrinsicEnv()),
  );
}

/**
 * A ResultWriter's plan: where it writes (none for a WriterConfig alone, which only shapes the state's output) and
 * its WriterConfig, as validation admitted them.
 */
export function writerPlan(writer: JsonObject, parameters: Json): ResultWriterPlan {
  const config = isJsonObject(writer.WriterConfig) ? writer.WriterConfig : undefined;
  const outputType = config?.OutputType;
  const transformation = config?.Transformation;
  return {
    ...(writer.Resource !== undefined ? { parameters } : {}),
    ...(outputType === 'JSON' || outputType === 'JSONL' ? { outputType } : {}),
    ...(transformation === 'NONE' || transformation === 'COMPACT' || transformation === 'FLATTEN'
      ? { transformation }
      : {}),
  };
}

/** A Distributed Map child run ended. */
export function settleChildRun(
  step: Step,
  parent: ScopeState,
  index: number,
  outcome: { ok: true; output: Json } | { ok: false; error: string; cause: string },
): void {
  if (outcome.ok) {
    step.emit({
      type: 'MapRunChildSucceeded',
      scope: parent.id,
      previousEventId: 0,
      index,
      output: outcome.output,
    });
  } else {
    step.emit({
      type: 'MapRunChildFailed',
      scope: parent.id,
      previousEventId: 0,
      index,
      error: outcome.error,
      cause: outcome.cause,
    });
  }
  if (parent.children?.failing) {
    // A failing run's children end (stopped, or as they were): the results are written once the last has.
    requestResultsOnceEnded(step, parent);
    return;
  }
  if (outcome.ok) afterChildSettled(step, parent, parent.lastEventId, parent.lastEventId);
  else childFailed(step, parent, outcome.error, outcome.cause, parent.lastEventId);
}
