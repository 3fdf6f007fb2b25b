import { JSONPath } from 'jsonpath-plus';
import { StatesError, StatesErrors } from '../language/states-error.ts';
import { isJsonObject, type Json } from '../lib/json.ts';

/**
 * JSONPath as ASL uses it (Jayway semantics). A path whose segments are only names and indexes is
 * "definite": it selects one node or none, and we walk it ourselves (the hot path of every state).
 * Anything else (wildcards, slices, unions, filters, deep scan) is "indefinite" and goes to
 * jsonpath-plus, whose result is always the list of matches, as Jayway returns it.
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
  /** The path relative to its root, as jsonpath-plus takes it (`$...`). */
  relative: string;
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

const cache = new Map<string, CompiledPath>();

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
  if (!segments) checkIndefinite(text, rest);
  const compiled: CompiledPath = { text, root, segments, relative: `$${existenceFilters(rest)}` };
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
    return JSONPath({ path: compiled.relative, json: base as object, wrap: true, eval: 'safe' }) as Json[];
  } catch (error) {
    // A filter the path library cannot evaluate (a bare word, a script on an object) fails the state that
    // reads it, never the engine.
    const reason = error instanceof Error ? error.message : String(error);
    throw new StatesError(StatesErrors.Runtime, `Invalid path '${compiled.text}' : ${reason}`);
  }
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

/**
 * Jayway reads a filter on a bare path (`[?(@.isbn)]`) as "the field exists"; jsonpath-plus would test the
 * value's truthiness, so such filters are rewritten to an existence test.
 */
function existenceFilters(rest: string): string {
  return rest.replace(/\[\?\(\s*(@(?:\.[\w$]+|\['[^']*'\])+)\s*\)\]/g, '[?($1 !== undefined)]');
}

/** Indefinite paths are handed to jsonpath-plus; here we only reject what neither grammar reads. */
function checkIndefinite(text: string, rest: string): void {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    if (depth < 0) throw new PathSyntaxError(`'${text}' has an unbalanced '${ch}'`);
  }
  if (depth !== 0 || quote) throw new PathSyntaxError(`'${text}' has an unclosed bracket or quote`);
  if (rest !== '' && rest[0] !== '.' && rest[0] !== '[') {
    throw new PathSyntaxError(`'${text}' has an unexpected '${rest[0]}' after '$'`);
  }
  for (const expression of filterExpressions(rest)) checkFilterExpression(text, expression);
}

/** The expressions of `[?( … )]` filters and `[( … )]` scripts in a path's text. */
function filterExpressions(rest: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] !== '[') continue;
    let j = i + 1;
    while (rest[j] === ' ') j++;
    if (rest[j] === '?') j++;
    while (rest[j] === ' ') j++;
    if (rest[j] !== '(') continue;
    const close = findBracketEnd(rest, i);
    const inner = rest.slice(j, close).trim();
    if (inner.endsWith(')')) found.push(inner.slice(1, -1));
    i = close;
  }
  return found;
}

/**
 * A filter must be a JSONPath filter as Jayway reads it: paths (`@…`, `$…`), literals, comparisons (`==`, `!=`,
 * `<`, `<=`, `>`, `>=`, `=~`, `in`, `nin`, `subsetof`, `anyof`, `noneof`, `size`, `empty`), `&&`, `||`, `!`,
 * arithmetic and parentheses. The path library would evaluate a JavaScript subset there (method calls,
 * property lookups on prototypes); a definition's author must never run code inside the engine, so anything
 * else is refused here, before any evaluation.
 */
const FILTER_TOKEN =
  /\s+|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\/(?:[^/\\]|\\.)+\/[a-z]*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[@$](?:\.\.?(?:[\w$-]+|\*)|\[(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+|\*)\])*|[A-Za-z_][\w]*|===|!==|==|!=|<=|>=|=~|&&|\|\||[<>!()+\-*/%,[\]]/y;
const FORBIDDEN_WORDS = new Set([
  'this',
  'new',
  'function',
  'constructor',
  '__proto__',
  'prototype',
  'globalThis',
]);
const FILTER_WORD_OPERATORS = new Set([
  'in',
  'nin',
  'subsetof',
  'anyof',
  'noneof',
  'size',
  'empty',
  'true',
  'false',
  'null',
]);
const FORBIDDEN_NAMES = /(?:^|[.'"[])(?:constructor|__proto__|prototype)(?:$|[.'"\]])/;

function checkFilterExpression(text: string, expression: string): void {
  FILTER_TOKEN.lastIndex = 0;
  let previous = '';
  while (FILTER_TOKEN.lastIndex < expression.length) {
    const at = FILTER_TOKEN.lastIndex;
    const match = FILTER_TOKEN.exec(expression);
    if (!match) {
      throw new PathSyntaxError(`'${text}' has a filter JSONPath cannot read at '${expression.slice(at)}'`);
    }
    const token = match[0];
    if (/^\s+$/.test(token)) continue;
    if (token === '(' && /^[@$A-Za-z_]/.test(previous) && !FILTER_WORD_OPERATORS.has(previous)) {
      throw new PathSyntaxError(
        `'${text}' calls a function in a filter ('${previous}(…)'): filters compare values`,
      );
    }
    if (FORBIDDEN_WORDS.has(token) || (/^[@$]/.test(token) && FORBIDDEN_NAMES.test(token.slice(1)))) {
      throw new PathSyntaxError(`'${text}' reads '${token}' in a filter: not a JSON member`);
    }
    previous = token;
  }
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
