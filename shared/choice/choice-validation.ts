import { compilePath } from '../jsonpath/paths.ts';
import type { Diagnostic } from '../language/types.ts';
import { assertNever } from '../lib/assert-never.ts';
import { isJsonObject, type JsonObject } from '../lib/json.ts';
import { isTimestamp } from '../lib/timestamps.ts';
import { findOperatorForm, type OperandType } from './comparison-operators.ts';

/**
 * Messages of JSONPath Choice rule problems, in AWS's words where AWS's words were found:
 * - "These fields are required: [Next]": CloudFormation output quoted in aws-cloudformation/cfn-lint#4077.
 * - "Value is not a Reference Path: Reference path didn't start with '$'": cfn-lint#4076 and Terraform output
 *   in a published post; the same prefix with another reason in Stedi-Public-Archive/ts2asl#912.
 * - "Field '<name>' is not supported": real CreateStateMachine rejections quoted in several repositories.
 * - "The value for the field '<name>' must be …": AWS's wording for `.$` fields ("… must be a valid JSONPath or
 *   a valid intrinsic function call"); reused here for operand types (the endings are ours, unverified).
 * - "There should only be one of the following fields: […]", "Value cannot be empty": quoted by third-party
 *   linters as AWS output, not seen in AWS output itself (unverified).
 * The rest are ours.
 */
export const ChoiceDiagnosticMessages = {
  notAnObject: () => 'Value must be an object',
  required: (fields: readonly string[]) => `These fields are required: [${fields.join(', ')}]`,
  notSupported: (field: string) => `Field '${field}' is not supported`,
  onlyOneOf: (fields: readonly string[]) =>
    `There should only be one of the following fields: [${fields.join(', ')}]`,
  exactlyOneOf: (fields: readonly string[]) =>
    `There should be exactly one of the following fields: [${fields.join(', ')}]`,
  missingOperator: () =>
    "A rule with 'Variable' needs exactly one comparison operator (for example StringEquals, NumericLessThanPath or IsPresent)",
  emptyArray: () => 'Value cannot be empty',
  wrongType: (field: string, expected: string) => `The value for the field '${field}' must be ${expected}`,
  notReferencePath: (reason: string) => `Value is not a Reference Path: ${reason}`,
} as const;

const SCHEMA_VALIDATION_FAILED = 'SCHEMA_VALIDATION_FAILED';

/** The fields that say what kind of rule an object is; a rule has exactly one. */
const RULE_KINDS = ['And', 'Or', 'Not', 'Variable'] as const;
type RuleKind = (typeof RULE_KINDS)[number];

/** What each operand type must be, as the end of a wrongType message and as a check. */
const OPERAND_TYPES: Record<OperandType, { expected: string; accepts: (value: unknown) => boolean }> = {
  string: { expected: 'a string', accepts: (value) => typeof value === 'string' },
  number: { expected: 'a number', accepts: (value) => typeof value === 'number' },
  boolean: { expected: 'a boolean', accepts: (value) => typeof value === 'boolean' },
  timestamp: {
    expected: 'a timestamp in RFC 3339 format with an uppercase T and Z, for example 2016-03-14T01:59:00Z',
    accepts: isTimestamp,
  },
};

export interface ChoiceRuleOptions {
  topLevel: boolean;
  /**
   * The message for a field a rule may not hold, when the caller words it otherwise than "not supported" (a
   * JSONPath rule holding JSONata's Condition is told it is a JSONata field); undefined keeps the default.
   */
  unsupportedField?: (field: string) => string | undefined;
}

/** Problems in one rule, each a Diagnostic with AWS's code and a JSON-pointer location (e.g. `/States/C/Choices/0/And/1`). */
export function validateChoiceRule(
  rule: unknown,
  location: string,
  options: ChoiceRuleOptions,
): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const { unsupportedField } = options;
  const notSupported = (field: string) =>
    unsupportedField?.(field) ?? ChoiceDiagnosticMessages.notSupported(field);
  collectRuleProblems(rule, location, options.topLevel, { problems, notSupported });
  return problems;
}

/** Where a rule's problems go, and how an unsupported field is worded. */
interface RuleOutput {
  problems: Diagnostic[];
  notSupported: (field: string) => string;
}

function collectRuleProblems(rule: unknown, location: string, topLevel: boolean, out: RuleOutput): void {
  const report = (message: string, at = location) =>
    out.problems.push({ severity: 'ERROR', code: SCHEMA_VALIDATION_FAILED, message, location: at });
  if (!isJsonObject(rule)) {
    report(ChoiceDiagnosticMessages.notAnObject());
    return;
  }
  const kinds = RULE_KINDS.filter((kind) => Object.hasOwn(rule, kind));
  const operators = Object.keys(rule).filter((key) => findOperatorForm(key) !== undefined);

  if (kinds.length === 0) {
    report(
      operators.length > 0
        ? ChoiceDiagnosticMessages.required(['Variable'])
        : ChoiceDiagnosticMessages.exactlyOneOf(RULE_KINDS),
    );
  } else if (kinds.length > 1) {
    report(ChoiceDiagnosticMessages.onlyOneOf(kinds));
  }
  collectTransitionProblems(rule, location, topLevel, report);
  collectUnsupportedFields(rule, topLevel, kinds, operators, report, out.notSupported);
  for (const kind of kinds) collectKindProblems(rule, kind, operators, location, report, out);
}

type Report = (message: string, at?: string) => void;

/** Top-level rules carry `Next` (and may carry `Assign`); nested rules carry neither. */
function collectTransitionProblems(
  rule: JsonObject,
  location: string,
  topLevel: boolean,
  report: Report,
): void {
  if (topLevel) {
    if (!Object.hasOwn(rule, 'Next')) report(ChoiceDiagnosticMessages.required(['Next']));
    else if (typeof rule.Next !== 'string') {
      report(ChoiceDiagnosticMessages.wrongType('Next', 'a string'), `${location}/Next`);
    }
    if (Object.hasOwn(rule, 'Assign') && !isJsonObject(rule.Assign)) {
      report(ChoiceDiagnosticMessages.wrongType('Assign', 'an object'), `${location}/Assign`);
    }
  }
  if (Object.hasOwn(rule, 'Comment') && typeof rule.Comment !== 'string') {
    report(ChoiceDiagnosticMessages.wrongType('Comment', 'a string'), `${location}/Comment`);
  }
}

/** Any field that is neither the rule's kind, its operators (data tests), Comment, nor (top level) Next/Assign. */
function collectUnsupportedFields(
  rule: JsonObject,
  topLevel: boolean,
  kinds: readonly RuleKind[],
  operators: readonly string[],
  report: Report,
  notSupported: (field: string) => string,
): void {
  const allowed = new Set<string>(['Comment', ...kinds]);
  if (topLevel) {
    allowed.add('Next');
    allowed.add('Assign');
  }
  // Operators belong to data tests; a rule without a kind already got "required: [Variable]" for them.
  if (kinds.includes('Variable') || kinds.length === 0)
    for (const operator of operators) allowed.add(operator);
  for (const field of Object.keys(rule)) {
    if (!allowed.has(field)) report(notSupported(field));
  }
}

function collectKindProblems(
  rule: JsonObject,
  kind: RuleKind,
  operators: readonly string[],
  location: string,
  report: Report,
  out: RuleOutput,
): void {
  const at = `${location}/${kind}`;
  switch (kind) {
    case 'And':
    case 'Or': {
      const children = rule[kind];
      if (!Array.isArray(children)) {
        report(ChoiceDiagnosticMessages.wrongType(kind, 'an array of choice rules'), at);
      } else if (children.length === 0) {
        report(ChoiceDiagnosticMessages.emptyArray(), at);
      } else {
        for (const [i, child] of children.entries()) collectRuleProblems(child, `${at}/${i}`, false, out);
      }
      return;
    }
    case 'Not':
      collectRuleProblems(rule.Not, at, false, out);
      return;
    case 'Variable': {
      const pathProblem = describeReferencePathProblem('Variable', rule.Variable);
      if (pathProblem) report(pathProblem, at);
      if (operators.length === 0) report(ChoiceDiagnosticMessages.missingOperator());
      else if (operators.length > 1) report(ChoiceDiagnosticMessages.onlyOneOf(operators));
      for (const operator of operators)
        collectOperandProblems(operator, rule[operator], `${location}/${operator}`, report);
      return;
    }
    default:
      assertNever(kind, 'choice rule kind');
  }
}

function collectOperandProblems(operator: string, operand: unknown, at: string, report: Report): void {
  const form = findOperatorForm(operator);
  if (!form) return;
  if (form.viaPath) {
    const pathProblem = describeReferencePathProblem(operator, operand);
    if (pathProblem) report(pathProblem, at);
    return;
  }
  const type = OPERAND_TYPES[form.operator.operand];
  if (!type.accepts(operand)) report(ChoiceDiagnosticMessages.wrongType(operator, type.expected), at);
}

/** Variable and `…Path` operands must be reference paths (into the input, `$$` or a `$variable`). */
function describeReferencePathProblem(field: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return ChoiceDiagnosticMessages.wrongType(field, 'a string');
  if (!value.startsWith('$'))
    return ChoiceDiagnosticMessages.notReferencePath("Reference path didn't start with '$'");
  try {
    if (compilePath(value).segments === undefined) {
      return ChoiceDiagnosticMessages.notReferencePath(
        'only names and indexes may follow the root (no wildcards, slices, unions, filters or deep scan)',
      );
    }
  } catch (error) {
    return ChoiceDiagnosticMessages.notReferencePath(error instanceof Error ? error.message : String(error));
  }
  return undefined;
}
