import { type Lookup, NOT_FOUND } from '../jsonpath/paths.ts';
import type { Json } from '../lib/json.ts';
import { compareTimestamps, isTimestamp } from '../lib/timestamps.ts';
import { matchesWildcard } from './string-matches.ts';

/**
 * The data-test operators of JSONPath Choice rules (ASL spec "Choice Rules"; AWS docs "Choice workflow state").
 * A value of the wrong type on either side makes a comparison false, never an error: `NumericEquals` against a
 * string, `TimestampEquals` against a string that is not a timestamp (obs. LocalStack's AWS-recorded snapshots
 * tests/aws/services/stepfunctions/v2/choice_operators/*.snapshot.json).
 */
export type OperandType = 'string' | 'number' | 'boolean' | 'timestamp';

export interface ComparisonOperator {
  /** What the literal operand must be; a `…Path` twin takes a reference path to such a value instead. */
  operand: OperandType;
  /** Whether `<name>Path` exists. */
  hasPathTwin: boolean;
  /** The test of the `Variable` value against the operand. */
  test: (variable: Lookup, operand: Json) => boolean;
  /** True only for IsPresent: a `Variable` path that selects nothing is an answer, not a runtime error. */
  acceptsMissingVariable?: true;
}

const strings =
  (compare: (a: string, b: string) => boolean) =>
  (a: Lookup, b: Json): boolean =>
    typeof a === 'string' && typeof b === 'string' && compare(a, b);

const numbers =
  (compare: (a: number, b: number) => boolean) =>
  (a: Lookup, b: Json): boolean =>
    typeof a === 'number' && typeof b === 'number' && compare(a, b);

const booleans =
  (compare: (a: boolean, b: boolean) => boolean) =>
  (a: Lookup, b: Json): boolean =>
    typeof a === 'boolean' && typeof b === 'boolean' && compare(a, b);

/** Timestamps compare as instants, so `…T20:00:00+01:00` equals `…T19:00:00Z`. */
const timestamps =
  (accept: (order: number) => boolean) =>
  (a: Lookup, b: Json): boolean => {
    const order = typeof a === 'string' && typeof b === 'string' ? compareTimestamps(a, b) : undefined;
    return order !== undefined && accept(order);
  };

/** `IsX: true` holds when the value is an X, `IsX: false` when it is not. */
const typeTest =
  (holds: (value: Lookup) => boolean) =>
  (value: Lookup, expected: Json): boolean =>
    typeof expected === 'boolean' && holds(value) === expected;

/** The one table of operators: base name → operand type, Path twin, test. */
export const COMPARISON_OPERATOR_TABLE = {
  StringEquals: { operand: 'string', hasPathTwin: true, test: strings((a, b) => a === b) },
  StringLessThan: { operand: 'string', hasPathTwin: true, test: strings((a, b) => a < b) },
  StringGreaterThan: { operand: 'string', hasPathTwin: true, test: strings((a, b) => a > b) },
  StringLessThanEquals: { operand: 'string', hasPathTwin: true, test: strings((a, b) => a <= b) },
  StringGreaterThanEquals: { operand: 'string', hasPathTwin: true, test: strings((a, b) => a >= b) },
  StringMatches: { operand: 'string', hasPathTwin: false, test: strings(matchesWildcard) },
  NumericEquals: { operand: 'number', hasPathTwin: true, test: numbers((a, b) => a === b) },
  NumericLessThan: { operand: 'number', hasPathTwin: true, test: numbers((a, b) => a < b) },
  NumericGreaterThan: { operand: 'number', hasPathTwin: true, test: numbers((a, b) => a > b) },
  NumericLessThanEquals: { operand: 'number', hasPathTwin: true, test: numbers((a, b) => a <= b) },
  NumericGreaterThanEquals: { operand: 'number', hasPathTwin: true, test: numbers((a, b) => a >= b) },
  BooleanEquals: { operand: 'boolean', hasPathTwin: true, test: booleans((a, b) => a === b) },
  TimestampEquals: { operand: 'timestamp', hasPathTwin: true, test: timestamps((o) => o === 0) },
  TimestampLessThan: { operand: 'timestamp', hasPathTwin: true, test: timestamps((o) => o < 0) },
  TimestampGreaterThan: { operand: 'timestamp', hasPathTwin: true, test: timestamps((o) => o > 0) },
  TimestampLessThanEquals: { operand: 'timestamp', hasPathTwin: true, test: timestamps((o) => o <= 0) },
  TimestampGreaterThanEquals: { operand: 'timestamp', hasPathTwin: true, test: timestamps((o) => o >= 0) },
  IsNull: { operand: 'boolean', hasPathTwin: false, test: typeTest((v) => v === null) },
  IsPresent: {
    operand: 'boolean',
    hasPathTwin: false,
    test: typeTest((v) => v !== NOT_FOUND),
    acceptsMissingVariable: true,
  },
  IsNumeric: { operand: 'boolean', hasPathTwin: false, test: typeTest((v) => typeof v === 'number') },
  IsString: { operand: 'boolean', hasPathTwin: false, test: typeTest((v) => typeof v === 'string') },
  IsBoolean: { operand: 'boolean', hasPathTwin: false, test: typeTest((v) => typeof v === 'boolean') },
  IsTimestamp: { operand: 'boolean', hasPathTwin: false, test: typeTest(isTimestamp) },
} as const satisfies Record<string, ComparisonOperator>;

/** One operator name as it appears in a rule: its base operator and whether its operand is a path. */
export interface OperatorForm {
  name: string;
  baseName: string;
  operator: ComparisonOperator;
  viaPath: boolean;
}

const OPERATOR_FORMS: ReadonlyMap<string, OperatorForm> = new Map(
  Object.entries(COMPARISON_OPERATOR_TABLE as Record<string, ComparisonOperator>).flatMap(
    ([baseName, operator]) => {
      const forms: [string, OperatorForm][] = [
        [baseName, { name: baseName, baseName, operator, viaPath: false }],
      ];
      if (operator.hasPathTwin) {
        const name = `${baseName}Path`;
        forms.push([name, { name, baseName, operator, viaPath: true }]);
      }
      return forms;
    },
  ),
);

/** Every operator name a data-test rule may use, Path forms and Is* tests included. */
export const COMPARISON_OPERATORS: readonly string[] = [...OPERATOR_FORMS.keys()];

/** The operator form named `name`, or undefined when `name` is not an operator. */
export function findOperatorForm(name: string): OperatorForm | undefined {
  return OPERATOR_FORMS.get(name);
}
