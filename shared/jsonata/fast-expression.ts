/**
 * A synchronous evaluator for the small part of JSONata most workflow expressions use: literals, `$var`,
 * name paths from a variable (`$states.input.a.b`, an item picked by index on the way: `$states.result[0].x`),
 * array and object constructors (`[a, b]`, `{"k": v}`), parentheses, arithmetic, comparison, `and`/`or`,
 * string concatenation (`&`), conditions (`c ? a : b`) and a few pure functions on scalars and flat arrays
 * ($count, $sum, $max, $min, $average, $string, $length, $uppercase, $lowercase, $abs, $floor, $ceil, $not),
 * and $merge of objects. The jsonata library
 * evaluates asynchronously and costs microseconds even for `$states.input.i + 1`; this does not.
 * It never guesses: an expression outside the subset is not compiled here, and a value outside its rules
 * (arrays and their sequence semantics, missing values, mixed types, non-finite numbers) answers BAIL, so
 * the caller asks the library, which gives the answer and the error texts AWS gives.
 */
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';

export const BAIL: unique symbol = Symbol('bail');
export type FastResult = Json | typeof BAIL;
export type FastExpression = (states: object, variables: Readonly<Record<string, Json>>) => FastResult;

interface Node {
  type: string;
  value?: unknown;
  lhs?: Node;
  rhs?: Node;
  steps?: Node[];
  [key: string]: unknown;
}

const PLAIN_KEYS = new Set(['type', 'value', 'position']);
const isPlain = (node: Node) => Object.keys(node).every((key) => PLAIN_KEYS.has(key));
const MAX_DEPTH = 20;

export function compileFast(ast: Node, depth = 0): FastExpression | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (ast.type) {
    case 'number':
    case 'string':
    case 'value': {
      if (!isPlain(ast)) return undefined;
      const value = ast.value as Json;
      return () => value;
    }
    case 'variable': {
      // A bare `$states` is left to the library: its context member is built lazily.
      if (!isPlain(ast) || ast.value === '' || ast.value === 'states') return undefined;
      const name = ast.value as string;
      return readVariable(name);
    }
    case 'path': {
      const steps = ast.steps ?? [];
      const [first, ...rest] = steps;
      if (first === undefined || first.type !== 'variable' || !isPlain(first) || first.value === '')
        return undefined;
      const keys: PathKey[] = [];
      for (const step of rest) {
        const key = pathKeyOf(step);
        if (key === undefined) return undefined;
        keys.push(key);
      }
      const root = readVariable(first.value as string);
      // `$states` is the engine's object, whose members may be getters (its context is built when read).
      const [head, ...tail] = keys;
      if (first.value === 'states' && head !== undefined && STATES_MEMBERS.has(head.name)) {
        return (states) => walk(pick((states as Record<string, unknown>)[head.name], head.index), tail);
      }
      return (states, variables) => walk(root(states, variables), keys);
    }
    case 'unary':
      if (ast.value === '[') return compileArrayConstructor(ast, depth);
      if (ast.value === '{') return compileObjectConstructor(ast, depth);
      return undefined;
    case 'function':
      return compileCall(ast, depth);
    case 'block': {
      // `( e )`: one expression in parentheses is that expression (no `;`, and no `:=` compiles here).
      const expressions = ast.expressions as Node[] | undefined;
      if (!hasOnlyKeys(ast, BLOCK_KEYS) || expressions?.length !== 1) return undefined;
      return compileFast(expressions[0] as Node, depth + 1);
    }
    case 'condition': {
      if (!hasOnlyKeys(ast, CONDITION_KEYS) || ast.else === undefined) return undefined;
      const condition = compileFast(ast.condition as Node, depth + 1);
      const then = compileFast(ast.then as Node, depth + 1);
      const otherwise = compileFast(ast.else as Node, depth + 1);
      if (condition === undefined || then === undefined || otherwise === undefined) return undefined;
      return (states, variables) => {
        const test = condition(states, variables);
        // JSONata casts any value to a boolean here; only a boolean is taken as it is.
        if (typeof test !== 'boolean') return BAIL;
        return test ? then(states, variables) : otherwise(states, variables);
      };
    }
    case 'binary': {
      if (ast.lhs === undefined || ast.rhs === undefined) return undefined;
      const operate = BINARY[ast.value as string];
      if (operate === undefined) return undefined;
      const lhs = compileFast(ast.lhs, depth + 1);
      const rhs = compileFast(ast.rhs, depth + 1);
      if (lhs === undefined || rhs === undefined) return undefined;
      return (states, variables) => {
        const a = lhs(states, variables);
        if (a === BAIL) return BAIL;
        const b = rhs(states, variables);
        if (b === BAIL) return BAIL;
        return operate(a, b);
      };
    }
    default:
      return undefined;
  }
}

/** What `$states` holds: the engine's own object (no user key), some of whose members are getters. */
const STATES_MEMBERS = new Set(['input', 'result', 'errorOutput', 'context']);

/** A name step of a path, with the index of the one item it picks (`name[0]`, `name[-1]`), if any. */
interface PathKey {
  name: string;
  index: number | undefined;
}

const NAME_KEYS = new Set(['type', 'value', 'position', 'stages']);
const FILTER_KEYS = new Set(['type', 'position', 'expr']);

function pathKeyOf(step: Node): PathKey | undefined {
  if (step.type !== 'name' || typeof step.value !== 'string' || !hasOnlyKeys(step, NAME_KEYS))
    return undefined;
  const stages = step.stages as Node[] | undefined;
  if (stages === undefined) return { name: step.value, index: undefined };
  // One `[n]` with an integer literal; any other predicate (a condition, several) is JSONata's.
  const [stage] = stages;
  const expr = stage?.expr as Node | undefined;
  if (stages.length !== 1 || stage?.type !== 'filter' || !hasOnlyKeys(stage, FILTER_KEYS) || !expr)
    return undefined;
  if (expr.type !== 'number' || !isPlain(expr) || !Number.isInteger(expr.value)) return undefined;
  return { name: step.value, index: expr.value as number };
}

/**
 * The item `[index]` picks of a list (from its end when negative). Not a list (JSONata takes a value as a list
 * of one), no such item, or an item that is a list (JSONata flattens it into the path) answers BAIL.
 */
function pick(value: unknown, index: number | undefined): unknown {
  if (index === undefined || value === undefined) return value;
  if (!Array.isArray(value)) return BAIL;
  const item: unknown = value[index < 0 ? value.length + index : index];
  return item === undefined || Array.isArray(item) ? BAIL : item;
}

/** Name steps from `start`: an array on the way (JSONata would map over it) or a missing member answers BAIL. */
function walk(start: unknown, keys: readonly PathKey[]): FastResult {
  let value = start;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return BAIL;
    if (!Object.hasOwn(value, key.name)) return BAIL;
    value = pick((value as Record<string, unknown>)[key.name], key.index);
  }
  // The last step's value is taken as it is, an array too (JSONata keeps an input's array whole there:
  // `[5]` stays `[5]`, `[]` stays `[]`); an array on the way would map the rest over its items (BAIL above).
  return value === undefined ? BAIL : (value as Json);
}

const ARRAY_KEYS = new Set(['type', 'value', 'position', 'expressions']);
const OBJECT_KEYS = new Set(['type', 'value', 'position', 'lhs']);

/**
 * `[a, b]`. JSONata flattens a list an item yields into the array (a nested constructor's excepted, `[[1]]`),
 * and leaves out a missing one: both answer BAIL here.
 */
function compileArrayConstructor(ast: Node, depth: number): FastExpression | undefined {
  const expressions = ast.expressions as Node[] | undefined;
  if (!hasOnlyKeys(ast, ARRAY_KEYS) || !Array.isArray(expressions)) return undefined;
  const items: Array<{ evaluate: FastExpression; nested: boolean }> = [];
  for (const expression of expressions) {
    const evaluate = compileFast(expression, depth + 1);
    if (evaluate === undefined) return undefined;
    items.push({ evaluate, nested: expression.type === 'unary' && expression.value === '[' });
  }
  return (states, variables) => {
    const result: Json[] = [];
    for (const item of items) {
      const value = item.evaluate(states, variables);
      if (value === BAIL || (Array.isArray(value) && !item.nested)) return BAIL;
      result.push(value);
    }
    return result;
  };
}

/**
 * `{"k": v, …}` with literal keys, none twice (JSONata fails on that, D1009) and none `__proto__` (assigned,
 * JSONata's would set the object's prototype). A missing value, which JSONata leaves out, answers BAIL.
 */
function compileObjectConstructor(ast: Node, depth: number): FastExpression | undefined {
  const pairs = ast.lhs as unknown as Array<[Node, Node]> | undefined;
  if (!hasOnlyKeys(ast, OBJECT_KEYS) || !Array.isArray(pairs)) return undefined;
  const keys: string[] = [];
  const values: FastExpression[] = [];
  for (const [key, value] of pairs) {
    if (key?.type !== 'string' || !isPlain(key) || typeof key.value !== 'string') return undefined;
    if (key.value === '__proto__' || keys.includes(key.value)) return undefined;
    const evaluate = value === undefined ? undefined : compileFast(value, depth + 1);
    if (evaluate === undefined) return undefined;
    keys.push(key.value);
    values.push(evaluate);
  }
  return (states, variables) => {
    const result: JsonObject = {};
    for (let i = 0; i < keys.length; i++) {
      const value = (values[i] as FastExpression)(states, variables);
      if (value === BAIL) return BAIL;
      result[keys[i] as string] = value;
    }
    return result;
  };
}

const BLOCK_KEYS = new Set(['type', 'position', 'expressions']);
const CONDITION_KEYS = new Set(['type', 'position', 'condition', 'then', 'else']);
// `name` is the parser's slot for a named call; it is undefined in a plain one (checked below).
const CALL_KEYS = new Set(['type', 'name', 'value', 'position', 'arguments', 'procedure']);
const hasOnlyKeys = (node: Node, keys: ReadonlySet<string>) =>
  Object.keys(node).every((key) => keys.has(key));

/**
 * `$name(argument)` for one of FUNCTIONS. The argument may also be a path to a flat, non-empty array of
 * scalars (a function of a list takes it whole; whether JSONata sees a one-item array as the item does not
 * change these functions' answers), or for $count and $merge any array: a list this subset yields is a
 * constructor's, a variable's value or a path's last step, which JSONata takes whole, items and all
 * (`[[1], [2]]` counts 2, `[]` 0). A variable of the function's name shadows it: the library is asked then.
 */
function compileCall(ast: Node, depth: number): FastExpression | undefined {
  const procedure = ast.procedure as Node | undefined;
  const args = ast.arguments as Node[] | undefined;
  if (!hasOnlyKeys(ast, CALL_KEYS) || ast.name !== undefined || ast.value !== '(' || !procedure)
    return undefined;
  if (args?.length !== 1) return undefined;
  if (procedure.type !== 'variable' || !isPlain(procedure)) return undefined;
  const name = procedure.value as string;
  const apply = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  // $count counts a list whatever its items, $merge merges one of objects: every list the subset yields is one
  // JSONata takes whole.
  const argument = TAKES_ANY_LIST.has(name)
    ? compileFast(args[0] as Node, depth + 1)
    : compileArgument(args[0] as Node, depth + 1);
  if (apply === undefined || argument === undefined) return undefined;
  return (states, variables) => {
    if (Object.hasOwn(variables, name)) return BAIL;
    const value = argument(states, variables);
    return value === BAIL ? BAIL : apply(value);
  };
}

function compileArgument(ast: Node, depth: number): FastExpression | undefined {
  const value = compileFast(ast, depth);
  if (value === undefined) return undefined;
  return (states, variables) => {
    const argument = value(states, variables);
    if (!Array.isArray(argument)) return argument;
    return argument.length > 0 && argument.every(isScalar) ? argument : BAIL;
  };
}

/** Numbers the way JSONata's $string writes them: 15 significant digits, then JSON. */
function formatNumber(value: number): string {
  return JSON.stringify(Number(value.toPrecision(15)));
}

/** JSONata's $string of a scalar; undefined (BAIL) for objects and arrays, which it writes as JSON. */
function stringOf(value: Json): string | typeof BAIL {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? formatNumber(value) : BAIL;
  if (typeof value === 'boolean' || value === null) return String(value);
  return BAIL;
}

const numbersOf = (value: Json): number[] | typeof BAIL => {
  const list = Array.isArray(value) ? value : [value];
  return list.every((item) => typeof item === 'number') ? (list as number[]) : BAIL;
};

const onNumbers =
  (f: (numbers: number[]) => number) =>
  (value: Json): FastResult => {
    const numbers = numbersOf(value);
    if (numbers === BAIL || numbers.length === 0) return BAIL;
    const result = f(numbers);
    return Number.isFinite(result) ? result : BAIL;
  };

const onNumber =
  (f: (n: number) => number) =>
  (value: Json): FastResult =>
    typeof value === 'number' ? f(value) : BAIL;

const onString =
  (f: (s: string) => Json) =>
  (value: Json): FastResult =>
    typeof value === 'string' ? f(value) : BAIL;

const sum = (numbers: number[]) => numbers.reduce((total, n) => total + n, 0);

const TAKES_ANY_LIST: ReadonlySet<string> = new Set(['count', 'merge']);

/**
 * JSONata's $merge: an object, or a non-empty list of objects, the later's members over the earlier's. An
 * object with a member named `__proto__` (JSONata's assignment would set the prototype) answers BAIL.
 */
function merge(value: Json): FastResult {
  const objects = Array.isArray(value) ? value : [value];
  if (objects.length === 0) return BAIL;
  const result: JsonObject = {};
  for (const object of objects) {
    if (!isJsonObject(object) || Object.hasOwn(object, '__proto__')) return BAIL;
    for (const key in object) result[key] = object[key] as Json;
  }
  return result;
}

const FUNCTIONS: Record<string, (value: Json) => FastResult> = {
  count: (value) => (Array.isArray(value) ? value.length : 1),
  sum: onNumbers(sum),
  max: onNumbers((numbers) => numbers.reduce((a, b) => (b > a ? b : a))),
  min: onNumbers((numbers) => numbers.reduce((a, b) => (b < a ? b : a))),
  average: onNumbers((numbers) => sum(numbers) / numbers.length),
  string: stringOf,
  // JSONata counts code points, not UTF-16 units.
  length: onString((s) => Array.from(s).length),
  uppercase: onString((s) => s.toUpperCase()),
  lowercase: onString((s) => s.toLowerCase()),
  abs: onNumber(Math.abs),
  floor: onNumber(Math.floor),
  ceil: onNumber(Math.ceil),
  not: (value) => (typeof value === 'boolean' ? !value : BAIL),
  merge,
};

/** `&`: each side as $string writes it (scalars only here). */
function concatenate(a: Json, b: Json): FastResult {
  const left = stringOf(a);
  const right = stringOf(b);
  return left === BAIL || right === BAIL ? BAIL : left + right;
}

function readVariable(name: string): FastExpression {
  if (name === 'states') return (states) => states as Json;
  return (_states, variables) => (Object.hasOwn(variables, name) ? (variables[name] as Json) : BAIL);
}

const arithmetic =
  (f: (a: number, b: number) => number) =>
  (a: Json, b: Json): FastResult => {
    if (typeof a !== 'number' || typeof b !== 'number') return BAIL;
    const result = f(a, b);
    return Number.isFinite(result) ? result : BAIL;
  };

const comparison =
  (f: (a: number | string, b: number | string) => boolean) =>
  (a: Json, b: Json): FastResult =>
    (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')
      ? f(a, b)
      : BAIL;

const isScalar = (v: Json) => v === null || typeof v !== 'object';

const BINARY: Record<string, (a: Json, b: Json) => FastResult> = {
  '+': arithmetic((a, b) => a + b),
  '-': arithmetic((a, b) => a - b),
  '*': arithmetic((a, b) => a * b),
  '/': arithmetic((a, b) => a / b),
  '%': arithmetic((a, b) => a % b),
  '<': comparison((a, b) => a < b),
  '<=': comparison((a, b) => a <= b),
  '>': comparison((a, b) => a > b),
  '>=': comparison((a, b) => a >= b),
  '=': (a, b) => (isScalar(a) && isScalar(b) ? a === b : BAIL),
  '!=': (a, b) => (isScalar(a) && isScalar(b) ? a !== b : BAIL),
  and: (a, b) => (typeof a === 'boolean' && typeof b === 'boolean' ? a && b : BAIL),
  or: (a, b) => (typeof a === 'boolean' && typeof b === 'boolean' ? a || b : BAIL),
  '&': concatenate,
};
