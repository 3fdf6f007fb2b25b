import { evaluatePath, type Lookup, NOT_FOUND, type PathSources } from '../jsonpath/paths.ts';
import { StatesError, StatesErrors } from '../language/states-error.ts';
import type { ChoiceRule } from '../language/types.ts';
import { assertNever } from '../lib/assert-never.ts';
import type { Json } from '../lib/json.ts';
import { findOperatorForm, type OperatorForm } from './comparison-operators.ts';

/**
 * Runtime causes. The Variable one is AWS's text: production executions fail with
 * `States.Runtime` / "An error occurred while executing the state 'X' (entered at the event id #2).
 * Invalid path '$.processing_type': The choice state's condition path references an invalid value."
 * (the "An error occurred…" prefix is added by whoever runs the state). AWS's text for a `…Path` operand that
 * selects nothing is not recorded anywhere we found; we reuse the same sentence (unverified).
 */
export const ChoiceRuntimeCauses = {
  missingVariable: (path: string) =>
    `Invalid path '${path}': The choice state's condition path references an invalid value.`,
  missingOperand: (path: string) =>
    `Invalid path '${path}': The choice state's condition path references an invalid value.`,
  malformedRule: (detail: string) => `Invalid choice rule: ${detail}`,
} as const;

/** A JSONPath Choice rule read into what it does. */
type RuleShape =
  | { kind: 'and'; rules: readonly ChoiceRule[] }
  | { kind: 'or'; rules: readonly ChoiceRule[] }
  | { kind: 'not'; rule: ChoiceRule }
  | { kind: 'test'; variable: string; form: OperatorForm; operand: Json };

/** Evaluates one rule (data test or And/Or/Not) against the state's effective input; variables via sources.variables. */
export function evaluateChoiceRule(rule: ChoiceRule, sources: PathSources): boolean {
  const shape = readRuleShape(rule);
  switch (shape.kind) {
    case 'and':
      // Short-circuits like AWS's evaluator is expected to: a later operand's missing path is never read.
      return shape.rules.every((child) => evaluateChoiceRule(child, sources));
    case 'or':
      return shape.rules.some((child) => evaluateChoiceRule(child, sources));
    case 'not':
      return !evaluateChoiceRule(shape.rule, sources);
    case 'test':
      return evaluateDataTest(shape, sources);
    default:
      return assertNever(shape, 'choice rule');
  }
}

/** Index of the first top-level rule that matches, or -1. Rules after the match are not evaluated. */
export function findMatchingChoice(rules: readonly ChoiceRule[], sources: PathSources): number {
  return rules.findIndex((rule) => evaluateChoiceRule(rule, sources));
}

function evaluateDataTest(test: Extract<RuleShape, { kind: 'test' }>, sources: PathSources): boolean {
  const { variable, form, operand } = test;
  const value = lookUp(variable, sources);
  if (value === NOT_FOUND && !form.operator.acceptsMissingVariable) {
    throw new StatesError(StatesErrors.Runtime, ChoiceRuntimeCauses.missingVariable(variable));
  }
  if (!form.viaPath) return form.operator.test(value, operand);
  if (typeof operand !== 'string') {
    throw new StatesError(
      StatesErrors.Runtime,
      ChoiceRuntimeCauses.malformedRule(`${form.name} is not a path`),
    );
  }
  const comparand = lookUp(operand, sources);
  if (comparand === NOT_FOUND) {
    throw new StatesError(StatesErrors.Runtime, ChoiceRuntimeCauses.missingOperand(operand));
  }
  return form.operator.test(value, comparand);
}

/** Reads a path; a path that does not even parse is as invalid as one that selects nothing. */
function lookUp(path: string, sources: PathSources): Lookup {
  try {
    return evaluatePath(path, sources);
  } catch {
    return NOT_FOUND;
  }
}

function readRuleShape(rule: ChoiceRule): RuleShape {
  if (rule.And !== undefined) return { kind: 'and', rules: rule.And };
  if (rule.Or !== undefined) return { kind: 'or', rules: rule.Or };
  if (rule.Not !== undefined) return { kind: 'not', rule: rule.Not };
  if (typeof rule.Variable !== 'string') {
    throw new StatesError(
      StatesErrors.Runtime,
      ChoiceRuntimeCauses.malformedRule('no Variable, And, Or or Not'),
    );
  }
  for (const [key, operand] of Object.entries(rule)) {
    const form = findOperatorForm(key);
    if (form) return { kind: 'test', variable: rule.Variable, form, operand: operand as Json };
  }
  throw new StatesError(StatesErrors.Runtime, ChoiceRuntimeCauses.malformedRule('no comparison operator'));
}
