export { type AwsFunctionEnv, awsFunctions } from './aws-functions.ts';
export {
  AllowanceExhausted,
  countJsonataCompilations,
  type EvaluationAllowance,
  findJsonataSyntaxError,
} from './compiled-expression.ts';
export { expressionText, isJsonataExpression } from './expression-text.ts';
export { type JsonataFieldKind, type JsonataFieldValue, readJsonataField } from './field-readers.ts';
export { javaRandomDouble } from './java-random.ts';
export {
  compileJsonata,
  type JsonataBindings,
  type JsonataEnv,
  type JsonataTemplate,
  type StatesVariable,
} from './jsonata-template.ts';
export { type ExpressionSite, jsonTypeName, QueryEvaluationError } from './query-evaluation-error.ts';
