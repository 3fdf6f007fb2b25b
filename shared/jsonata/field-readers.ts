import type { Json, JsonObject } from '../lib/json.ts';
import { isTimestamp } from '../lib/timestamps.ts';
import type { JsonataBindings, JsonataTemplate } from './jsonata-template.ts';
import { type ExpressionSite, invalidFieldValue, unexpectedResultType } from './query-evaluation-error.ts';

/**
 * What a field must evaluate to. `Items` is an array, `Condition` a boolean, `Error`/`Cause` strings,
 * `TimeoutSeconds`/`HeartbeatSeconds` positive integers, `Seconds`, `MaxConcurrency` and
 * `ToleratedFailureCount` non-negative integers, `ToleratedFailurePercentage` a number, `Timestamp` an
 * RFC 3339 string. Upper bounds (99999999 seconds, 100 percent) stay with the engine, which shares them
 * with the JSONPath fields.
 */
export type JsonataFieldKind =
  | 'any'
  | 'array'
  | 'object'
  | 'string'
  | 'boolean'
  | 'number'
  | 'integer'
  | 'non-negative-integer'
  | 'positive-integer'
  | 'timestamp';

export type JsonataFieldValue<K extends JsonataFieldKind> = K extends 'any'
  ? Json
  : K extends 'array'
    ? Json[]
    : K extends 'object'
      ? JsonObject
      : K extends 'string' | 'timestamp'
        ? string
        : K extends 'boolean'
          ? boolean
          : number;

/** The JSON type a kind needs (the label AWS prints after "Expected"), and what more it checks. */
interface KindRule {
  readonly expected: string | undefined;
  readonly matches: (value: Json) => boolean;
  readonly extra?: (value: Json, site: ExpressionSite) => void;
}

const isInteger = (value: Json) => Number.isInteger(value);

const KIND_RULES: Readonly<Record<JsonataFieldKind, KindRule>> = {
  any: { expected: undefined, matches: () => true },
  array: { expected: 'array', matches: (value) => Array.isArray(value) },
  object: {
    expected: 'object',
    matches: (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  },
  string: { expected: 'string', matches: (value) => typeof value === 'string' },
  boolean: { expected: 'boolean', matches: (value) => typeof value === 'boolean' },
  number: { expected: 'number', matches: (value) => typeof value === 'number' },
  integer: { expected: 'integer', matches: isInteger },
  'non-negative-integer': {
    expected: 'integer',
    matches: isInteger,
    extra: (value, site) => expectAtLeast(site, value as number, 0, 'a non-negative integer'),
  },
  'positive-integer': {
    expected: 'integer',
    matches: isInteger,
    extra: (value, site) => expectAtLeast(site, value as number, 1, 'a positive integer'),
  },
  timestamp: {
    expected: 'string',
    matches: (value) => typeof value === 'string',
    extra: (value, site) => {
      if (isTimestamp(value)) return;
      throw invalidFieldValue(
        site,
        `${subjectOf(site)} returned a value that is not a valid ISO-8601 extended offset date-time format string: ${String(value)}`,
      );
    },
  },
};

/**
 * Evaluates a field and checks what it returned. A value of the wrong JSON type fails with AWS's
 * "returned an unexpected result type" text (verified for `Items`; the `integer` label and the range and
 * timestamp texts are ours, unverified).
 */
export async function readJsonataField<K extends JsonataFieldKind>(
  template: JsonataTemplate,
  kind: K,
  bindings: JsonataBindings,
): Promise<JsonataFieldValue<K>> {
  const value = template.constant ?? (await template.evaluate(bindings));
  // A literal (no expression) is named by its JSON text; validation normally rejects a wrong literal.
  const site: ExpressionSite = template.site ?? {
    text: JSON.stringify(template.constant),
    location: template.field,
    field: template.field,
  };
  const rule = KIND_RULES[kind];
  if (rule.expected !== undefined && !rule.matches(value))
    throw unexpectedResultType(site, rule.expected, value);
  rule.extra?.(value, site);
  return value as JsonataFieldValue<K>;
}

const subjectOf = (site: ExpressionSite) =>
  `The JSONata expression '${site.text}' specified for the field '${site.field}'`;

function expectAtLeast(site: ExpressionSite, value: number, minimum: number, what: string): void {
  if (value >= minimum) return;
  throw invalidFieldValue(site, `${subjectOf(site)} returned ${value}, but the field must be ${what}`);
}
