import { type ScopeState, visibleVariables } from '../history/execution-state.ts';
import { BAIL, type FastResult } from '../jsonata/fast-expression.ts';
import { compileJsonata, QueryEvaluationError } from '../jsonata/index.ts';
import { StatesError, StatesErrors } from '../language/states-error.ts';
import type { Json } from '../lib/json.ts';

export { BAIL };

import { buildContextObject, type ContextExtras } from './context-object.ts';
import type { Step } from './step.ts';

/** What `$states` holds besides the context: the state's input, and its result or error output where defined. */
export interface JsonataInputs {
  input: Json;
  result?: Json;
  errorOutput?: Json;
}

/** A JSONata failure in a named field: the engine writes the field as EvaluationFailed's location. */
export class JsonataFieldError extends StatesError {
  readonly field: string;

  constructor(field: string, cause: string) {
    super(StatesErrors.QueryEvaluationError, cause);
    this.field = field;
  }
}

/**
 * Evaluates a field's JSONata template (a `{% %}` string, or an object/array holding some at any depth) with
 * `$states` and the variables in scope bound. Compiled once per template by the JSONata layer.
 */
export async function evaluateTemplate(
  step: Step,
  scope: ScopeState,
  template: Json,
  field: string,
  inputs: JsonataInputs,
  extras: ContextExtras = {},
): Promise<Json> {
  // The context object is built only when an expression reads it.
  let context: Json | undefined;
  const states = {
    ...inputs,
    get context(): Json {
      context ??= buildContextObject(step.state, scope, step.contextExtras(scope, extras));
      return context;
    },
  };
  const bindings = { states, variables: visibleVariables(step.state, scope), env: step.env };
  const compiled = compileJsonata(template, field);
  // The synchronous evaluator answers what it can (as the library would); the library takes the rest.
  const fast = compiled.evaluateFast(bindings);
  return fast === BAIL ? compiled.evaluate(bindings) : fast;
}

/** The template's value without awaiting anything, or BAIL. */
export function evaluateTemplateFast(
  step: Step,
  scope: ScopeState,
  template: Json,
  field: string,
  inputs: JsonataInputs,
  extras?: ContextExtras,
): FastResult {
  const compiled = compileJsonata(template, field);
  if (compiled.constant !== undefined) return compiled.constant;
  const states = new LazyStates(step, scope, inputs, extras);
  return compiled.evaluateFast({ states, variables: visibleVariables(step.state, scope), env: step.env });
}

/** `$states` with its context built on first read, as a class (one shape, no closure). */
class LazyStates {
  readonly input: Json;
  readonly result?: Json;
  readonly errorOutput?: Json;
  #step: Step;
  #scope: ScopeState;
  #extras: ContextExtras | undefined;
  #context: Json | undefined;
  constructor(step: Step, scope: ScopeState, inputs: JsonataInputs, extras: ContextExtras | undefined) {
    this.input = inputs.input;
    if (inputs.result !== undefined) this.result = inputs.result;
    if (inputs.errorOutput !== undefined) this.errorOutput = inputs.errorOutput;
    this.#step = step;
    this.#scope = scope;
    this.#extras = extras;
  }
  get context(): Json {
    this.#context ??= buildContextObject(
      this.#step.state,
      this.#scope,
      this.#step.contextExtras(this.#scope, this.#extras),
    );
    return this.#context;
  }
}

/** The field EvaluationFailed names as its location. */
export function failedField(error: StatesError): string {
  if (error instanceof QueryEvaluationError) return error.field;
  if (error instanceof JsonataFieldError) return error.field;
  return '';
}
