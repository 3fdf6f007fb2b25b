export { ChoiceRuntimeCauses, evaluateChoiceRule, findMatchingChoice } from './choice-evaluation.ts';
export { ChoiceDiagnosticMessages, validateChoiceRule } from './choice-validation.ts';
export {
  COMPARISON_OPERATOR_TABLE,
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  findOperatorForm,
  type OperandType,
  type OperatorForm,
} from './comparison-operators.ts';
export { matchesWildcard } from './string-matches.ts';
