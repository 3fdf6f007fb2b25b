import { assertNever } from '../lib/assert-never.ts';
import type { Json, JsonObject } from '../lib/json.ts';
import { type AwsFunctionEnv, awsFunctions } from './aws-functions.ts';
import {
  type CompiledExpression,
  compileExpression,
  type EvaluationAllowance,
  parseJsonata,
} from './compiled-expression.ts';
import { expressionText, isJsonataExpression } from './expression-text.ts';
import { BAIL, type FastResult } from './fast-expression.ts';
import type { ExpressionSite } from './query-evaluation-error.ts';

/** `$states`: what a JSONata expression knows of the state (AWS guide, "Reserved variable: $states"). */
export interface StatesVariable {
  /** The state's original input. */
  readonly input: Json;
  /** The Task/Map/Parallel result: only in that state's `Output` and `Assign`. */
  readonly result?: Json;
  /** The error output: only in a Catcher's `Output` and `Assign`. */
  readonly errorOutput?: Json;
  /** The context object (`$$` of JSONPath). */
  readonly context: Json;
}

/** Where randomness and time come from, so the core stays pure and replays give the same values. */
export interface JsonataEnv extends AwsFunctionEnv {
  /**
   * The current time in epoch milliseconds for `$now()` and `$millis()` (the step's recorded time, so a
   * replay gives the same value). Absent, those two read the machine clock as the JSONata library does.
   */
  readonly now?: number;
  /**
   * Evaluation steps the caller lets this step's evaluations spend in all; past them an evaluation stops with
   * AllowanceExhausted (StartExecution leaves an expensive first state to the step handler). Absent: only the
   * evaluation bounds apply.
   */
  readonly allowance?: EvaluationAllowance | undefined;
}

/**
 * Everything an expression can see. `$states` and each workflow variable are JSONata variables; there is
 * no input document, so `$`, `$$` and bare field names read nothing (AWS evaluates with no input and its
 * validation rejects them). Reuse one object for all templates of a state: its JSONata form is cached on
 * it, so do not mutate it after the first evaluation.
 */
export interface JsonataBindings {
  readonly states: StatesVariable;
  readonly variables: Readonly<Record<string, Json>>;
  readonly env: JsonataEnv;
}

/** A field value (any JSON) with `{% %}` expressions at any depth, compiled once, evaluated many times. */
export interface JsonataTemplate {
  /** The field it was compiled for (`Output`, `Assign`, `Choices[0]/Condition`): the EvaluationFailed location. */
  readonly field: string;
  /** The value itself when it holds no expression (nothing to evaluate), else undefined. */
  readonly constant: Json | undefined;
  /** When the whole value is one expression: its text and field, for typed readers' causes. */
  readonly site: ExpressionSite | undefined;
  /**
   * Evaluates every expression in document order (so `$random()`/`$uuid()` draws replay in the same
   * order) and returns the filled-in value; a failure is a `QueryEvaluationError`.
   */
  evaluate(bindings: JsonataBindings): Promise<Json>;
  /** Evaluates synchronously, or answers BAIL when some expression needs the library. */
  evaluateFast(bindings: JsonataBindings): FastResult;
}

type TemplateNode =
  | { readonly kind: 'constant'; readonly value: Json }
  | { readonly kind: 'expression'; readonly expression: CompiledExpression; readonly site: ExpressionSite }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, TemplateNode])[] }
  | { readonly kind: 'array'; readonly items: readonly TemplateNode[] };

/** Compiled templates by the identity of the definition's object or array, then by field. */
const templatesByValue = new WeakMap<object, Map<string, JsonataTemplate>>();
/** String templates by field, then text (no key built per call); bounded like the expression cache. */
const templatesByFieldAndText = new Map<string, Map<string, JsonataTemplate>>();
const TEXT_CACHE_LIMIT = 10_000;

/**
 * The template for a field's value. Objects and arrays are cached by identity and field, strings by field
 * and text, and each expression text is parsed once per process: calling this on every evaluation costs a
 * map lookup, never a parse.
 */
export function compileJsonata(template: Json, field: string): JsonataTemplate {
  if (typeof template === 'object' && template !== null) {
    let byField = templatesByValue.get(template);
    if (byField === undefined) {
      byField = new Map();
      templatesByValue.set(template, byField);
    }
    let compiled = byField.get(field);
    if (compiled === undefined) {
      compiled = createTemplate(template, field);
      byField.set(field, compiled);
    }
    return compiled;
  }
  if (typeof template === 'string') {
    let byText = templatesByFieldAndText.get(field);
    if (byText === undefined) {
      byText = new Map();
      templatesByFieldAndText.set(field, byText);
    }
    let compiled = byText.get(template);
    if (compiled === undefined) {
      if (byText.size >= TEXT_CACHE_LIMIT) byText.clear();
      compiled = createTemplate(template, field);
      byText.set(template, compiled);
    }
    return compiled;
  }
  return createTemplate(template, field);
}

function createTemplate(value: Json, field: string): JsonataTemplate {
  const root = compileNode(value, field, field);
  return {
    field,
    constant: root.kind === 'constant' ? root.value : undefined,
    site: root.kind === 'expression' ? root.site : undefined,
    evaluateFast: (bindings) => evaluateNodeFast(root, bindings),
    evaluate:
      root.kind === 'expression'
        ? (bindings) =>
            root.expression.evaluate(jsonataVariables(bindings), root.site, bindings.env.allowance)
        : (bindings) => evaluateNode(root, jsonataVariables(bindings), bindings.env.allowance),
  };
}

/** Field paths follow AWS: `/key` per object member, `[i]` per array element (`Output/a/b[0]`). */
function compileNode(value: Json, location: string, field: string): TemplateNode {
  if (isJsonataExpression(value)) {
    const text = expressionText(value);
    return { kind: 'expression', expression: compileExpression(text), site: { text, location, field } };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileNode(item, location, `${field}[${i}]`));
    return items.every((item) => item.kind === 'constant')
      ? { kind: 'constant', value }
      : { kind: 'array', items };
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(
      ([key, item]) => [key, compileNode(item, location, `${field}/${key}`)] as const,
    );
    return entries.every(([, item]) => item.kind === 'constant')
      ? { kind: 'constant', value }
      : { kind: 'object', entries };
  }
  return { kind: 'constant', value };
}

async function evaluateNode(
  node: TemplateNode,
  variables: Readonly<Record<string, unknown>>,
  allowance: EvaluationAllowance | undefined,
): Promise<Json> {
  switch (node.kind) {
    case 'constant':
      return node.value;
    case 'expression':
      return node.expression.evaluate(variables, node.site, allowance);
    case 'object': {
      const result: JsonObject = {};
      for (const [key, item] of node.entries) {
        // Defined rather than assigned, so a member named `__proto__` stays a member.
        Object.defineProperty(result, key, {
          value: await evaluateNode(item, variables, allowance),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return result;
    }
    case 'array': {
      const result: Json[] = [];
      for (const item of node.items) result.push(await evaluateNode(item, variables, allowance));
      return result;
    }
    default:
      return assertNever(node, 'template node');
  }
}

function evaluateNodeFast(node: TemplateNode, bindings: JsonataBindings): FastResult {
  switch (node.kind) {
    case 'constant':
      return node.value;
    case 'expression': {
      const fast = node.expression.fast;
      return fast === undefined ? BAIL : fast(bindings.states, bindings.variables);
    }
    case 'object': {
      const result: JsonObject = {};
      for (const [key, item] of node.entries) {
        const value = evaluateNodeFast(item, bindings);
        if (value === BAIL) return BAIL;
        if (key === '__proto__')
          Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
        else result[key] = value;
      }
      return result;
    }
    case 'array': {
      const result: Json[] = [];
      for (const item of node.items) {
        const value = evaluateNodeFast(item, bindings);
        if (value === BAIL) return BAIL;
        result.push(value);
      }
      return result;
    }
    default:
      return assertNever(node, 'template node');
  }
}

const functionsByEnv = new WeakMap<JsonataEnv, Readonly<Record<string, unknown>>>();

/**
 * The JSONata variables for one bindings object, built once. Precedence, lowest first: the functions AWS
 * adds (a workflow variable of the same name shadows one, as it would a JSONata built-in), the workflow
 * variables, then `$states`.
 */
function jsonataVariables(bindings: JsonataBindings): Readonly<Record<string, unknown>> {
  // A plain object (V8's fast mode) built per evaluation; `__proto__` is defined, never assigned.
  const variables: Record<string, unknown> = {};
  const functions = functionScope(bindings.env);
  for (const name in functions) variables[name] = functions[name];
  for (const name in bindings.variables) {
    if (name === '__proto__')
      Object.defineProperty(variables, name, {
        value: bindings.variables[name],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else variables[name] = bindings.variables[name];
  }
  variables.states = bindings.states;
  return variables;
}

/**
 * The functions for one environment. `$eval` is bound to nothing: AWS removes it, and a call then fails as
 * a call to a non-function (T1006, Floci, measured).
 */
function functionScope(env: JsonataEnv): Readonly<Record<string, unknown>> {
  const cached = functionsByEnv.get(env);
  if (cached !== undefined) return cached;
  const functions: Record<string, unknown> = { ...awsFunctions(env), eval: undefined };
  if (env.now !== undefined) Object.assign(functions, clockFunctions(env.now));
  functionsByEnv.set(env, functions);
  return functions;
}

interface JsonataFunctionObject {
  implementation(...args: unknown[]): unknown;
}

/** JSONata's own `$fromMillis`, which formats `$now()` the way the library does. */
let fromMillis: Promise<JsonataFunctionObject> | undefined;

function clockFunctions(millis: number): Record<string, (...args: unknown[]) => unknown> {
  return {
    millis: () => millis,
    now: async (picture?: unknown, timezone?: unknown) => {
      fromMillis ??= parseJsonata('$fromMillis').evaluate(undefined) as Promise<JsonataFunctionObject>;
      return (await fromMillis).implementation(millis, picture, timezone);
    },
  };
}
