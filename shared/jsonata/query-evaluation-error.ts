import { StatesError, StatesErrors } from '../language/states-error.ts';
import type { Json } from '../lib/json.ts';

/**
 * A JSONata evaluation failure: `States.QueryEvaluationError` with AWS's cause text (without the
 * "An error occurred while executing the state ..." prefix, which the engine adds). `location` is the
 * field the template was compiled for (`Items`, `Output`, `Choices[1]/Condition`): what the engine writes
 * as the `location` of the EvaluationFailed event; `field` is the full path of the failing expression
 * inside it (`Output/a/b[0]`), the one the cause names.
 */
export class QueryEvaluationError extends StatesError {
  readonly location: string;
  readonly field: string;

  constructor(cause: string, location: string, field: string) {
    super(StatesErrors.QueryEvaluationError, cause);
    this.location = location;
    this.field = field;
  }
}

/** Where a failing expression sits: its text (between the delimiters, trimmed) and its field path. */
export interface ExpressionSite {
  readonly text: string;
  readonly location: string;
  readonly field: string;
}

const subject = (site: ExpressionSite) =>
  `The JSONata expression '${site.text}' specified for the field '${site.field}'`;

/**
 * The JSON type name AWS prints for a value: `number` for 1, `string`, `boolean`, `object`, `null`,
 * `array` (LocalStack's AWS snapshot test_map_state_items_input_types).
 */
export function jsonTypeName(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Verbatim from AWS (a production cause quoted in umccr's orcabus repository: "The JSONata expression
 * '$states.input.pushLocation' specified for the field 'Arguments/Input/pushLocation' returned nothing
 * (undefined)."); the field path uses `/` per object key and `[i]` per array index (Floci, measured).
 */
export function returnedNothing(site: ExpressionSite): QueryEvaluationError {
  return new QueryEvaluationError(
    `${subject(site)} returned nothing (undefined).`,
    site.location,
    site.field,
  );
}

/**
 * Verbatim from AWS (LocalStack snapshot test_map_state_items_input_types: "... specified for the field
 * 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 1"); the value
 * is compact JSON.
 */
export function unexpectedResultType(
  site: ExpressionSite,
  expected: string,
  value: Json,
): QueryEvaluationError {
  return new QueryEvaluationError(
    `${subject(site)} returned an unexpected result type. Expected '${expected}', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value)}`,
    site.location,
    site.field,
  );
}

/** A function or lambda as the result: LocalStack's text (not recorded from AWS), with the field added. */
export function unsupportedResultType(site: ExpressionSite): QueryEvaluationError {
  return new QueryEvaluationError(
    `${subject(site)} returned an unsupported result type.`,
    site.location,
    site.field,
  );
}

/**
 * A JSONata error during evaluation. A coded error joins with ". " (`... threw an error during evaluation.
 * T0412: Argument 1 of function "sum" must be an array of "numbers"`), an uncoded one (a bound, a host
 * error) with ": " — as Floci records AWS's causes, measured through TestState.
 */
export function threwDuringEvaluation(site: ExpressionSite, error: unknown): QueryEvaluationError {
  const { code, message } = describeThrown(error);
  const detail = code === undefined ? `: ${message}` : `. ${code}: ${message}`;
  return new QueryEvaluationError(
    `${subject(site)} threw an error during evaluation${detail}`,
    site.location,
    site.field,
  );
}

/** An evaluated value outside what the field accepts (a negative count, a bad timestamp): not verified. */
export function invalidFieldValue(site: ExpressionSite, detail: string): QueryEvaluationError {
  return new QueryEvaluationError(detail, site.location, site.field);
}

function describeThrown(error: unknown): { code: string | undefined; message: string } {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : undefined,
      message: typeof message === 'string' ? message : String(error),
    };
  }
  return { code: undefined, message: String(error) };
}
