import {
  compilePath,
  evaluatePath,
  NOT_FOUND,
  type PathSegment,
  type PathSources,
  PathSyntaxError,
  setAtPath,
  walk,
} from '../jsonpath/paths.ts';
import { StatesError, StatesErrors } from '../language/states-error.ts';
import type { Json } from '../lib/json.ts';

/**
 * The JSONPath fields that carry data through a state, in AWS's order:
 * InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath.
 * `describe` texts follow AWS's cause messages; the caller prefixes the state and event id.
 */

/** InputPath / OutputPath: absent = everything, null = `{}`, else the selected node (or the matches). */
export function selectPath(path: string | null | undefined, sources: PathSources): Json {
  if (path === undefined) return sources.input;
  if (path === null) return {};
  const value = evaluatePath(path, sources);
  if (value === NOT_FOUND)
    throw new StatesError(
      StatesErrors.Runtime,
      `Invalid path '${path}' : ${missingPathDetail(path, sources)}`,
    );
  return value;
}

/**
 * AWS's (Jayway's) words for a path that selects nothing: `Missing property in path $['a']` when a key before
 * the last is missing, `No results for path: $['a']['b']` when only the last one is.
 */
export function missingPathDetail(path: string, sources: PathSources): string {
  const compiled = compilePath(path);
  const segments = compiled.segments ?? [];
  const head =
    compiled.root.kind === 'context'
      ? '$$'
      : compiled.root.kind === 'variable'
        ? `$${compiled.root.name}`
        : '$';
  const whole = `No results for path: ${head}${formatSegments(segments)}`;
  let node: Json | undefined;
  if (compiled.root.kind === 'context') node = sources.context;
  else if (compiled.root.kind === 'input') node = sources.input;
  else node = sources.variables?.[compiled.root.name];
  if (node === undefined) return whole;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as PathSegment;
    const found = walk(node as Json, [segment]);
    if (found === NOT_FOUND) {
      // Jayway skips an index that is out of range and reports the whole path; a missing key before the
      // last one is a "missing property".
      if (segment.kind !== 'name' || i === segments.length - 1) return whole;
      return `Missing property in path ${head}${formatSegments(segments.slice(0, i + 1))}`;
    }
    node = found;
  }
  return whole;
}

function formatSegments(segments: readonly PathSegment[]): string {
  const format = (s: PathSegment) =>
    s.kind === 'name'
      ? `['${s.name}']`
      : s.kind === 'index'
        ? `[${s.index}]`
        : `[${s.names.map((n) => `'${n}'`).join(',')}]`;
  return segments.map(format).join('');
}

/** ResultPath: absent or `$` = the result, null = the raw input, else the raw input with the result set at the path. */
export function applyResultPath(path: string | null | undefined, rawInput: Json, result: Json): Json {
  if (path === undefined || path === '$') return result;
  if (path === null) return rawInput;
  const compiled = compilePath(path);
  if (!compiled.segments || compiled.root.kind !== 'input') {
    throw new StatesError(StatesErrors.Runtime, `Invalid ResultPath '${path}': must be a reference path`);
  }
  try {
    return setAtPath(rawInput, compiled.segments, result);
  } catch (error) {
    if (!(error instanceof PathSyntaxError)) throw error;
    throw new StatesError(
      StatesErrors.ResultPathMatchFailure,
      `Unable to apply ResultPath "${path}" to input "${JSON.stringify(rawInput)}"`,
    );
  }
}
