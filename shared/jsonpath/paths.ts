import { StatesError, StatesErrors } from '../language/states-error.ts';
import { isJsonObject, type Json } from '../lib/json.ts';
import {
  FilterEvaluationError,
  type FilterExpression,
  FilterSyntaxError,
  parseFilter,
  testFilter,
} from './filter-expression.ts';

/**
 * JSONPath as ASL uses it (Jayway semantics). A path whose segments are only names and indexes is
 * "definite": it selects one node or none, and we walk it ourselves (the hot path of every state).
 * Anything else (wildcards, slices, unions, filters, deep scan) is "indefinite": it is parsed into steps
 * here and evaluated here too (filter-expression.ts for filters), and its result is always the list of
 * matches, as Jayway returns it. No part of a path is ever evaluated as a script: that is why this is our own
 * evaluator rather than jsonpath-plus, whose filters are JavaScript (a definition's author could run code in
 * the engine, and filters AWS rejects would run).
 * A path may start with `$$` (the context object) or `$name` (a variable).
 */
export type PathSegment =
  | { kind: 'name'; name: string }
  | { kind: 'index'; index: number }
  /** `['a','b']` at the end of a path: Jayway merges the present keys into one object. */
  | { kind: 'names'; names: string[] };

export type PathRoot = { kind: 'input' } | { kind: 'context' } | { kind: 'variable'; name: string };

export interface CompiledPath {
  text: string;
  root: PathRoot;
  /** Segments when the path is definite; undefined when it is not. */
  segments: PathSegment[] | undefined;
  /** The steps of an indefinite path (undefined when the path is definite). */
  steps: PathStep[] | undefined;
}

/** What one step of an indefinite path selects from a node. */
export type Selector =
  | { kind: 'name'; name: string }
  /** `['a','b']`: each present member (merged into one object when it is the last step, as Jayway does). */
  | { kind: 'names'; names: string[] }
  | { kind: 'indexes'; indexes: number[] }
  | { kind: 'wildcard' }
  | { kind: 'slice'; start: number | undefined; end: number | undefined; step: number }
  | { kind: 'filter'; text: string; expression: FilterExpression }
  /** `[( … )]`: a script expression, which Jayway does not have; it fails the state that reads it. */
  | { kind: 'script'; text: string };

/** `.x` / `[x]` apply the selector to the node; `..x` to the node and every node below it. */
export interface PathStep {
  scan: boolean;
  selector: Selector;
}

/** What a path reads: the state's data, the context object and the variables in scope. */
export interface PathSources {
  input: Json;
  context: Json;
  variables?: Readonly<Record<string, Json>> | undefined;
}

export class PathSyntaxError extends Error {
  override name = 'PathSyntaxError';
}

/** Enough for every path of many definitions; past it the cache starts over rather than grow. */
const CACHE_LIMIT = 10_000;
const cache = new Map<string, CompiledPath>();

/** How many compiled paths the cache holds (a test proves it bounded). */
export function cachedPathCount(): number {
  return cache.size;
}

const VARIABLE_NAME = /^\$([\p{ID_Start}_][\p{ID_Continue}]*)/u;

/** Parses a path once; throws PathSyntaxError when it is not a JSONPath. */
export function compilePath(written: string): CompiledPath {
  const cached = cache.get(written);
  if (cached) return cached;
  if (typeof written !== 'string') {
    throw new PathSyntaxError(`'${String(written)}' is not a JSONPath: it must start with '$'`);
  }
  // AWS's path library trims the text: "$$.Execution.Name " is the path $$.Execution.Name.
  const text = written.trim();
  if (!text.startsWith('$')) {
    throw new PathSyntaxError(`'${written}' is not a JSONPath: it must start with '$'`);
  }
  let root: PathRoot;
  let rest: string;
  if (text.startsWith('$$')) {
    root = { kind: 'context' };
    rest = text.slice(2);
  } else {
    const variable = VARIABLE_NAME.exec(text);
    if (variable?.[1]) {
      root = { kind: 'variable', name: variable[1] };
      rest = text.slice(variable[0].length);
    } else {
      root = { kind: 'input' };
      rest = text.slice(1);
    }
  }
  if (rest.endsWith('.')) throw new PathSyntaxError(`'${text}' must not end with a '.' or '..'`);
  const segments = parseDefiniteSegments(rest);
  const steps = segments ? undefined : parseSteps(text, rest);
  const compiled: CompiledPath = { text, root, segments, steps };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(written, compiled);
  return compiled;
}

/** True when the path names one node (names and indexes only): ASL's "reference path". */
export function isReferencePath(text: string): boolean {
  try {
    const segments = compilePath(text).segments;
    if (segments === undefined) return false;
    return segments.every((segment) => segment.kind !== 'names');
  } catch {
    return false;
  }
}

/** True when `text` parses as a path (definite or not). */
export function isValidPath(text: string): boolean {
  try {
    compilePath(text);
    return true;
  } catch {
    return false;
  }
}

const NOT_FOUND: unique symbol = Symbol('not found');
export type Lookup = Json | typeof NOT_FOUND;
export { NOT_FOUND };

/**
 * Evaluates a path. A definite path gives the node or NOT_FOUND; an indefinite one gives the array of
 * its matches (possibly empty), as Jayway does.
 */
export function evaluatePath(path: string | CompiledPath, sources: PathSources): Lookup {
  const compiled = typeof path === 'string' ? compilePath(path) : path;
  let base: Json;
  switch (compiled.root.kind) {
    case 'input':
      base = sources.input;
      break;
    case 'context':
      base = sources.context;
      break;
    case 'variable': {
      const variables = sources.variables;
      if (!variables || !Object.hasOwn(variables, compiled.root.name)) return NOT_FOUND;
      base = variables[compiled.root.name] as Json;
      break;
    }
  }
  if (compiled.segments) return walk(base, compiled.segments);
  try {
    return select(base, compiled.steps ?? []);
  } catch (error) {
    // A filter that cannot be evaluated (a bare word, a script) fails the state that reads it.
    if (!(error instanceof FilterEvaluationError)) throw error;
    throw new StatesError(StatesErrors.Runtime, `Invalid path '${compiled.text}' : ${error.message}`);
  }
}

/** The matches of an indefinite path's steps from `root`, in document order (Jayway's). */
function select(root: Json, steps: readonly PathStep[]): Json[] {
  let nodes: Json[] = [root];
  steps.forEach((step, i) => {
    const last = i === steps.length - 1;
    const next: Json[] = [];
    for (const node of nodes) {
      if (step.scan) {
        for (const below of descendantsAndSelf(node)) applySelector(step.selector, below, root, last, next);
      } else {
        applySelector(step.selector, node, root, last, next);
      }
    }
    nodes = next;
  });
  return nodes;
}

/** A node, then each node below it, parents before their children. */
function descendantsAndSelf(node: Json): Json[] {
  const found: Json[] = [];
  const pending: Json[] = [node];
  while (pending.length > 0) {
    const current = pending.pop() as Json;
    found.push(current);
    const children = Array.isArray(current) ? current : isJsonObject(current) ? Object.values(current) : [];
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i] as Json;
      if (typeof child === 'object' && child !== null) pending.push(child);
    }
  }
  return found;
}

function applySelector(selector: Selector, node: Json, root: Json, last: boolean, out: Json[]): void {
  switch (selector.kind) {
    case 'name':
      if (isJsonObject(node) && Object.hasOwn(node, selector.name)) out.push(node[selector.name] as Json);
      return;
    case 'names': {
      if (!isJsonObject(node)) return;
      const present = selector.names.filter((name) => Object.hasOwn(node, name));
      if (last) {
        const merged: Record<string, Json> = {};
        for (const name of present) merged[name] = node[name] as Json;
        out.push(merged);
      } else {
        for (const name of present) out.push(node[name] as Json);
      }
      return;
    }
    case 'indexes':
      if (!Array.isArray(node)) return;
      for (const written of selector.indexes) {
        const index = written < 0 ? node.length + written : written;
        if (index >= 0 && index < node.length) out.push(node[index] as Json);
      }
      return;
    case 'wildcard':
      if (Array.isArray(node)) out.push(...node);
      else if (isJsonObject(node)) out.push(...(Object.values(node) as Json[]));
      return;
    case 'slice': {
      if (!Array.isArray(node)) return;
      const { start, end, step } = selector;
      const from = clamp(start ?? 0, node.length);
      const to = clamp(end ?? node.length, node.length);
      for (let i = from; i < to; i += step) out.push(node[i] as Json);
      return;
    }
    case 'filter':
      if (Array.isArray(node)) {
        for (const item of node) if (testFilter(selector.expression, item, root)) out.push(item);
      } else if (isJsonObject(node) && testFilter(selector.expression, node, root)) {
        // Jayway tests an object itself against a filter.
        out.push(node);
      }
      return;
    case 'script':
      throw new FilterEvaluationError(`script expressions such as '[${selector.text}]' are not JSONPath`);
  }
}

function clamp(index: number, length: number): number {
  const from = index < 0 ? length + index : index;
  return Math.min(Math.max(from, 0), length);
}

/** Walks definite segments from a node. */
export function walk(node: Json, segments: readonly PathSegment[]): Lookup {
  let current: Json = node;
  for (const segment of segments) {
    if (segment.kind === 'name') {
      if (!isJsonObject(current) || !Object.hasOwn(current, segment.name)) return NOT_FOUND;
      current = current[segment.name] as Json;
    } else if (segment.kind === 'names') {
      if (!isJsonObject(current)) return NOT_FOUND;
      const merged: Record<string, Json> = {};
      for (const name of segment.names)
        if (Object.hasOwn(current, name)) merged[name] = current[name] as Json;
      current = merged;
    } else {
      if (!Array.isArray(current)) return NOT_FOUND;
      const index = segment.index < 0 ? current.length + segment.index : segment.index;
      if (index < 0 || index >= current.length) return NOT_FOUND;
      current = current[index] as Json;
    }
  }
  return current;
}

/** Reads `.name`, `['name']`, `["name"]` and `[n]` segments; undefined when anything else appears. */
function parseDefiniteSegments(rest: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < rest.length) {
    const ch = rest[i];
    if (ch === '.') {
      if (rest[i + 1] === '.' || rest[i + 1] === '*') return undefined;
      let j = i + 1;
      while (j < rest.length && rest[j] !== '.' && rest[j] !== '[') j++;
      const name = rest.slice(i + 1, j);
      if (name === '') {
        // `$.['a b']`: a dot before a bracket is tolerated, as Jayway does.
        if (rest[j] === '[') {
          i = j;
          continue;
        }
        throw new PathSyntaxError(`'$${rest}' has an empty property name`);
      }
      if (/\s/.test(name)) {
        throw new PathSyntaxError(`'$${rest}' has a blank in '${name}': use bracket notation ['${name}']`);
      }
      if (/['"()?@,:*]/.test(name)) return undefined;
      segments.push({ kind: 'name', name });
      i = j;
    } else if (ch === '[') {
      const close = findBracketEnd(rest, i);
      const inner = rest.slice(i + 1, close).trim();
      const quoted = /^'((?:[^'\\]|\\.)*)'$|^"((?:[^"\\]|\\.)*)"$/.exec(inner);
      const several = /^'[^']*'(?:\s*,\s*'[^']*')+$/.test(inner)
        ? inner.split(',').map((n) => n.trim().slice(1, -1))
        : undefined;
      if (several && close === rest.length - 1) {
        segments.push({ kind: 'names', names: several });
      } else if (quoted) {
        const name = (quoted[1] ?? quoted[2] ?? '').replace(/\\(.)/g, '$1');
        segments.push({ kind: 'name', name });
      } else if (/^-?\d+$/.test(inner)) {
        segments.push({ kind: 'index', index: Number(inner) });
      } else {
        return undefined;
      }
      i = close + 1;
    } else {
      throw new PathSyntaxError(`'$${rest}' has an unexpected '${ch}' at position ${i + 1}`);
    }
  }
  return segments;
}

function findBracketEnd(rest: string, open: number): number {
  let quote: string | undefined;
  let depth = 0;
  for (let i = open; i < rest.length; i++) {
    const ch = rest[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '[') {
      depth++;
    } else if (ch === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new PathSyntaxError(`'$${rest}' has an unclosed '['`);
}

/** Parses an indefinite path into steps; throws PathSyntaxError for anything Jayway does not read. */
function parseSteps(text: string, rest: string): PathStep[] {
  if (rest !== '' && rest[0] !== '.' && rest[0] !== '[') {
    throw new PathSyntaxError(`'${text}' has an unexpected '${rest[0]}' after '$'`);
  }
  const steps: PathStep[] = [];
  let i = 0;
  while (i < rest.length) {
    let scan = false;
    if (rest.startsWith('..', i)) {
      scan = true;
      i += 2;
    } else if (rest[i] === '.') {
      i += 1;
      if (rest[i] === '[') continue;
    }
    if (i >= rest.length) throw new PathSyntaxError(`'${text}' must not end with a '.' or '..'`);
    if (rest[i] === '[') {
      const close = findBracketEnd(rest, i);
      steps.push({ scan, selector: parseBracket(text, rest.slice(i + 1, close).trim()) });
      i = close + 1;
      continue;
    }
    if (rest[i] === '*') {
      steps.push({ scan, selector: { kind: 'wildcard' } });
      i += 1;
      continue;
    }
    let j = i;
    while (j < rest.length && rest[j] !== '.' && rest[j] !== '[') j++;
    const name = rest.slice(i, j);
    if (/[\s'"()?@,:*\]]/.test(name)) {
      throw new PathSyntaxError(`'${text}' has '${name}' where a property name belongs`);
    }
    steps.push({ scan, selector: { kind: 'name', name } });
    i = j;
  }
  return steps;
}

const SLICE = /^(-?\d*)\s*:\s*(-?\d*)(?:\s*:\s*(\d*))?$/;
const INDEXES = /^-?\d+(?:\s*,\s*-?\d+)*$/;
const QUOTED = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*(,|$)/y;

function parseBracket(text: string, inner: string): Selector {
  if (inner === '*') return { kind: 'wildcard' };
  if (inner.startsWith('?')) {
    const body = inner.slice(1).trim();
    if (!body.startsWith('(') || !body.endsWith(')')) {
      throw new PathSyntaxError(`'${text}' has a filter that is not written [?( … )]`);
    }
    const filter = body.slice(1, -1);
    try {
      return { kind: 'filter', text: filter, expression: parseFilter(filter) };
    } catch (error) {
      if (!(error instanceof FilterSyntaxError)) throw error;
      throw new PathSyntaxError(`'${text}' has a filter JSONPath cannot read: ${error.message}`);
    }
  }
  if (inner.startsWith('(')) return { kind: 'script', text: inner };
  const slice = SLICE.exec(inner);
  if (slice) {
    const bound = (written: string | undefined) => (written ? Number(written) : undefined);
    const step = bound(slice[3]) ?? 1;
    if (step < 1) throw new PathSyntaxError(`'${text}' has a slice step below 1`);
    return { kind: 'slice', start: bound(slice[1]), end: bound(slice[2]), step };
  }
  if (INDEXES.test(inner)) return { kind: 'indexes', indexes: inner.split(',').map((n) => Number(n.trim())) };
  const names: string[] = [];
  QUOTED.lastIndex = 0;
  while (QUOTED.lastIndex < inner.length) {
    const match = QUOTED.exec(inner);
    if (!match) throw new PathSyntaxError(`'${text}' has a bracket JSONPath cannot read: [${inner}]`);
    names.push((match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1'));
    if (match[3] === '') break;
  }
  if (names.length === 0) throw new PathSyntaxError(`'${text}' has an empty bracket`);
  return names.length === 1 ? { kind: 'name', name: names[0] as string } : { kind: 'names', names };
}

/**
 * Writes `value` at a reference path inside `target`, copying the objects along the path and creating
 * missing ones (ResultPath). Returns the new root. Throws when a node on the way is not an object.
 */
export function setAtPath(target: Json, segments: readonly PathSegment[], value: Json): Json {
  if (segments.length === 0) return value;
  const [head, ...tail] = segments as [PathSegment, ...PathSegment[]];
  if (head.kind === 'names') throw new PathSyntaxError('cannot set several properties at once');
  if (head.kind === 'name') {
    if (!isJsonObject(target)) throw new PathSyntaxError(`cannot set '${head.name}' on a non-object`);
    const child = Object.hasOwn(target, head.name) ? (target[head.name] as Json) : {};
    return { ...target, [head.name]: setAtPath(child, tail, value) };
  }
  if (!Array.isArray(target)) throw new PathSyntaxError(`cannot set index ${head.index} on a non-array`);
  const index = head.index < 0 ? target.length + head.index : head.index;
  if (index < 0 || index >= target.length) throw new PathSyntaxError(`index ${head.index} is out of bounds`);
  const copy = target.slice();
  copy[index] = setAtPath(target[index] as Json, tail, value);
  return copy;
}
