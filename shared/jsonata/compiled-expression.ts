import jsonata from 'jsonata';
import type { Json, JsonObject } from '../lib/json.ts';
import { LinearRegExp } from '../lib/linear-regex.ts';
import { MAX_PAYLOAD_CHARS, MAX_SEQUENCE_ELEMENTS, MEMORY_LIMIT_MESSAGE } from './evaluation-limits.ts';
import { compileFast, type FastExpression } from './fast-expression.ts';
import {
  type ExpressionSite,
  returnedNothing,
  threwDuringEvaluation,
  unsupportedResultType,
} from './query-evaluation-error.ts';

/** One parsed expression, shared by every template and every evaluation that uses the same text. */
export interface CompiledExpression {
  readonly text: string;
  /** The parse error (`S0201: Syntax error: ...`), when the text is not JSONata. */
  readonly syntaxError: string | undefined;
  /** Evaluates with no input document: only the bound variables (`$states`, `$name`, functions) exist. */
  evaluate(
    variables: Readonly<Record<string, unknown>>,
    site: ExpressionSite,
    allowance?: EvaluationAllowance,
  ): Promise<Json>;
  /** The synchronous evaluator (fast-expression.ts), when the expression is in its subset. */
  readonly fast: FastExpression | undefined;
}

/** Enough for every expression of many definitions; past it the cache starts over rather than grow. */
const CACHE_LIMIT = 10_000;
const cache = new Map<string, CompiledExpression>();
let compilations = 0;

/** How many times the JSONata parser has run in this process: tests prove compile-once with it. */
export function countJsonataCompilations(): number {
  return compilations;
}

/** The expression for `text` (between the delimiters, trimmed), parsed on first use only. */
export function compileExpression(text: string): CompiledExpression {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const compiled = parseExpression(text);
  cache.set(text, compiled);
  return compiled;
}

/** The parser's complaint about `text` (`S0201: Syntax error: ...`), or undefined when it parses. */
export function findJsonataSyntaxError(text: string): string | undefined {
  return compileExpression(text).syntaxError;
}

/**
 * AWS bounds every evaluation (Floci, measured): nesting deeper than 100 fails with the first message
 * below (`1+1+…` with 100 terms passes, 101 fails), and a runaway loop ends on a time limit with the
 * second. The core touches no clock, so the loop bound here is a count of evaluation steps instead of
 * seconds: deterministic on every replay, and about five seconds of evaluation here (Floci's time limit).
 * A step that yields an array also spends one step per element, so a loop that copies a growing array
 * (`$reduce(…, function($a, $x){ $append($a, $x) })`) runs out of steps long before it has done its
 * quadratic work. Memory: no step may yield a string longer than the payload quota or an array longer
 * than AWS's `$range` limit (AWS's memory-limit message); the check runs as each step returns, so a value
 * past the bound is never used to build a larger one.
 */
const MAX_DEPTH = 100;
const MAX_STEPS = 5_000_000;
/**
 * Every so many steps the evaluation waits for the event loop's next turn (`setImmediate`, not a clock):
 * a long evaluation of one execution never keeps the server from the others' requests and messages.
 */
const YIELD_EVERY_STEPS = 5_000;
const DEPTH_MESSAGE =
  'Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive';
const STEPS_MESSAGE = 'Expression evaluation timeout: Check for infinite loop';

interface Bounds {
  depth: number;
  steps: number;
  /** The step count at which the evaluation next lets the event loop turn. */
  nextYield: number;
  allowance: EvaluationAllowance | undefined;
}

/**
 * Steps a caller lets several evaluations spend in all (StartExecution deciding the first state inline): each
 * step of each evaluation given it takes one off `steps`. Counted, like the bounds, so the decision to stop
 * is the same on every machine.
 */
export interface EvaluationAllowance {
  steps: number;
}

/**
 * An evaluation ran past the allowance its caller gave: not the state's failure (no States error) but the
 * caller's sign to leave the work to a step that has the whole bound to spend.
 */
export class AllowanceExhausted extends Error {
  override name = 'AllowanceExhausted';
  constructor() {
    super('The evaluation ran past the steps its caller allowed');
  }
}

/**
 * The allowance of the evaluation being started: the library creates the evaluation's frame synchronously
 * inside `evaluate`, where pushFrame takes it, before anything else can run.
 */
let handingAllowance: EvaluationAllowance | undefined;

/** A library frame; each evaluation's frames share one set of counters, hung on the frames themselves. */
interface Frame {
  bounds?: Bounds;
}

/**
 * Called by the library for every frame it creates under a compiled expression: the evaluation's own
 * frame (whose parent, the compiled expression's, has no counters) gets fresh ones, and every frame below
 * it (blocks, lambdas) shares its parent's.
 */
function pushFrame(parent: Frame, child: Frame): void {
  if (parent.bounds !== undefined) {
    child.bounds = parent.bounds;
    return;
  }
  child.bounds = { depth: 0, steps: 0, nextYield: YIELD_EVERY_STEPS, allowance: handingAllowance };
  handingAllowance = undefined;
}

const turnOfTheEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function enterStep(_node: unknown, _input: unknown, frame: Frame): Promise<void> | undefined {
  const bounds = frame.bounds;
  if (bounds === undefined) return undefined;
  bounds.depth += 1;
  bounds.steps += 1;
  if (bounds.depth > MAX_DEPTH) throw new Error(DEPTH_MESSAGE);
  if (bounds.steps > MAX_STEPS) throw new Error(STEPS_MESSAGE);
  if (bounds.allowance !== undefined && --bounds.allowance.steps < 0) throw new AllowanceExhausted();
  if (bounds.steps < bounds.nextYield) return undefined;
  bounds.nextYield = bounds.steps + YIELD_EVERY_STEPS;
  return turnOfTheEventLoop();
}

function exitStep(_node: unknown, _input: unknown, frame: Frame, result: unknown): void {
  const bounds = frame.bounds;
  if (bounds === undefined) return;
  bounds.depth -= 1;
  if (typeof result === 'string') {
    if (result.length > MAX_PAYLOAD_CHARS) throw new Error(MEMORY_LIMIT_MESSAGE);
  } else if (Array.isArray(result)) {
    if (result.length > MAX_SEQUENCE_ELEMENTS) throw new Error(MEMORY_LIMIT_MESSAGE);
    bounds.steps += result.length;
    if (bounds.steps > MAX_STEPS) throw new Error(STEPS_MESSAGE);
    if (bounds.allowance !== undefined) {
      bounds.allowance.steps -= result.length;
      if (bounds.allowance.steps < 0) throw new AllowanceExhausted();
    }
  }
}

/** The library reads its hooks from the environment under these symbols. */
const FRAME_HOOK = Symbol.for('jsonata.__createFrame_push') as unknown as string;
const ENTRY_HOOK = Symbol.for('jsonata.__evaluate_entry') as unknown as string;
const EXIT_HOOK = Symbol.for('jsonata.__evaluate_exit') as unknown as string;

/**
 * Regexes run on RE2 (linear-regex.ts). The library keeps its regex engine in one global that every
 * `jsonata()` call sets (back to V8's RegExp without the option), so every parse in Statefold goes through
 * parseJsonata.
 */
const JSONATA_OPTIONS: jsonata.JsonataOptions = { RegexEngine: LinearRegExp as unknown as RegExp };

/** The jsonata library's parse, with Statefold's regex engine. */
export function parseJsonata(text: string): jsonata.Expression {
  return jsonata(text, JSONATA_OPTIONS);
}

function parseExpression(text: string): CompiledExpression {
  compilations += 1;
  let parsed: jsonata.Expression;
  try {
    parsed = parseJsonata(text);
    parsed.assign(FRAME_HOOK, pushFrame);
    parsed.assign(ENTRY_HOOK, enterStep);
    parsed.assign(EXIT_HOOK, exitStep);
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const syntaxError = code === undefined ? String(message) : `${code}: ${message}`;
    return {
      text,
      syntaxError,
      fast: undefined,
      evaluate: (_variables, site) => Promise.reject(threwDuringEvaluation(site, error)),
    };
  }
  return {
    text,
    syntaxError: undefined,
    fast: compileFast(parsed.ast() as Parameters<typeof compileFast>[0]),
    evaluate: async (variables, site, allowance) => {
      let raw: unknown;
      try {
        handingAllowance = allowance;
        const evaluation = parsed.evaluate(undefined, variables);
        handingAllowance = undefined;
        raw = await evaluation;
      } catch (error) {
        handingAllowance = undefined;
        if (error instanceof AllowanceExhausted) throw error;
        throw threwDuringEvaluation(site, error);
      }
      if (raw === undefined) throw returnedNothing(site);
      return toJson(raw, site);
    },
  };
}

/** Values already checked to be plain JSON: a payload read again by the next state is not walked again. */
const verified = new WeakSet<object>();

/** The properties JSONata hangs on the arrays it builds; they must not travel on into later evaluations. */
const SEQUENCE_MARKS = ['sequence', 'keepSingleton', 'outerWrapper', 'tupleStream', 'cons'] as const;

const hasSequenceMarks = (array: readonly unknown[]) =>
  SEQUENCE_MARKS.some((mark) => (array as unknown as Record<string, unknown>)[mark] !== undefined);

/**
 * The evaluation result as plain JSON: sequences become plain arrays, a non-finite number the string
 * JavaScript names it by (AWS writes `1/0` as "Infinity", Floci, measured), and a function fails the
 * state. A value that is already plain JSON is returned as it is (no copy).
 */
function toJson(value: unknown, site: ExpressionSite): Json {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return arrayToJson(value, site);
      if (verified.has(value)) return value as JsonObject;
      const marks = value as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
      if (marks._jsonata_lambda === true || marks._jsonata_function === true)
        throw unsupportedResultType(site);
      return objectToJson(value as Record<string, unknown>, site);
    }
    default:
      throw unsupportedResultType(site);
  }
}

function arrayToJson(array: readonly unknown[], site: ExpressionSite): Json[] {
  const marked = hasSequenceMarks(array);
  if (!marked && verified.has(array)) return array as Json[];
  let copy: Json[] | undefined = marked ? [] : undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    // JSON has no undefined element; JSON.stringify writes null there.
    const converted = item === undefined ? null : toJson(item, site);
    if (copy === undefined && converted !== item) copy = array.slice(0, i) as Json[];
    copy?.push(converted);
  }
  const result = copy ?? (array as Json[]);
  verified.add(result);
  return result;
}

function objectToJson(object: Record<string, unknown>, site: ExpressionSite): JsonObject {
  const keys = Object.keys(object);
  let copy: JsonObject | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = object[key];
    // An undefined member is left out, as JSON.stringify leaves it out.
    const converted = item === undefined ? undefined : toJson(item, site);
    if (copy === undefined && (converted !== item || item === undefined)) {
      copy = {};
      for (const earlier of keys.slice(0, i)) setMember(copy, earlier, object[earlier] as Json);
    }
    if (copy !== undefined && converted !== undefined) setMember(copy, key, converted);
  }
  const result = copy ?? (object as JsonObject);
  verified.add(result);
  return result;
}

/** Defines rather than assigns, so a member named `__proto__` stays a member. */
function setMember(object: JsonObject, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
