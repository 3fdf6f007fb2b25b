import type { Diagnostic } from '../language/types.ts';

/**
 * The diagnostic codes of ValidateStateMachineDefinition (AWS API reference,
 * `ValidateStateMachineDefinitionDiagnostic`). AWS reports unreachable states under
 * MISSING_TRANSITION_TARGET too: there is no UNREACHABLE_STATE code.
 */
export const DiagnosticCodes = {
  InvalidJson: 'INVALID_JSON_DESCRIPTION',
  MissingDescription: 'MISSING_DESCRIPTION',
  SchemaValidationFailed: 'SCHEMA_VALIDATION_FAILED',
  InvalidResource: 'INVALID_RESOURCE',
  MissingEndState: 'MISSING_END_STATE',
  DuplicateStateName: 'DUPLICATE_STATE_NAME',
  InvalidStateName: 'INVALID_STATE_NAME',
  DuplicateLabelName: 'DUPLICATE_LABEL_NAME',
  InvalidLabelName: 'INVALID_LABEL_NAME',
  MissingTransitionTarget: 'MISSING_TRANSITION_TARGET',
  TooDeeplyNested: 'TOO_DEEPLY_NESTED',
  /** Variable checks: codes quoted from CreateStateMachine errors by third-party preflight rules. */
  ReservedVariableName: 'RESERVED_VARIABLE_NAME',
  InvalidVariableName: 'INVALID_VARIABLE_NAME',
  /**
   * JSONata checks, not in the API reference's list but measured against AWS (floci-io/floci#2670,
   * #2745 and PR #2786): an expression that does not parse, and one that reads what AWS does not offer.
   */
  InvalidJsonataExpression: 'INVALID_JSONATA_EXPRESSION',
  UnsupportedJsonataExpression: 'UNSUPPORTED_JSONATA_EXPRESSION',
  /** Warnings. */
  NoDollar: 'NO_DOLLAR',
  NoPath: 'NO_PATH',
  PassResultIsStatic: 'PASS_RESULT_IS_STATIC',
  /**
   * Statefold's own warning, from `findUndefinedVariables` only: AWS accepts a reference to a variable
   * no state assigns and fails the execution when it runs, so validation does not report it.
   */
  UndefinedVariable: 'UNDEFINED_VARIABLE',
} as const;

export type DiagnosticCode = (typeof DiagnosticCodes)[keyof typeof DiagnosticCodes];

/**
 * `location` is a JSON pointer as AWS writes it: raw state names, array indexes in brackets
 * (`/States/C/Choices[0]/Next`). AWS omits the location of whole-definition problems; until
 * `Diagnostic.location` is optional, the empty string stands for "no location".
 */
export const NO_LOCATION = '';

export function schemaError(message: string, location: string): Diagnostic {
  return { severity: 'ERROR', code: DiagnosticCodes.SchemaValidationFailed, message, location };
}

export function errorDiagnostic(code: DiagnosticCode, message: string, location: string): Diagnostic {
  return { severity: 'ERROR', code, message, location };
}

export function warningDiagnostic(code: DiagnosticCode, message: string, location: string): Diagnostic {
  return { severity: 'WARNING', code, message, location };
}

/** Appends one object key to a location. */
export function childLocation(location: string, key: string): string {
  return location === '/' ? `/${key}` : `${location}/${key}`;
}

/** Appends one array index to a location, AWS style. */
export function indexLocation(location: string, index: number): string {
  return `${location}[${index}]`;
}

/**
 * Message texts. Those marked "AWS" are quoted from AWS responses (LocalStack's AWS-recorded snapshot
 * `tests/aws/services/stepfunctions/v2/test_sfn_api_validation.snapshot.json`, CreateStateMachine errors quoted
 * in localstack/localstack#11978, floci-io/floci#2735, #2786, #2968, #3733, aws-cloudformation/cfn-lint#4075,
 * ChristopheBougere/asl-validator#69); the rest are our own wording.
 */
export const Messages = {
  /** AWS (snapshot, blank definition). */
  notAnObject: 'Definition must be a valid JSON object',
  /** API reference wording of MISSING_DESCRIPTION. */
  missingDescription: 'Received a null or empty workflow input.',
  /** AWS: `These fields are required: [States, StartAt]`. */
  required: (fields: readonly string[]) => `These fields are required: [${fields.join(', ')}]`,
  /** AWS: located at the object that holds the field. */
  notSupported: (field: string) => `Field '${field}' is not supported`,
  /** AWS: two or more of a set of mutually exclusive fields. */
  onlyOneOf: (fields: readonly string[]) =>
    `There should only be one of the following fields: [${fields.join(', ')}]`,
  /** AWS (quoted by third-party rules): none of a set of which exactly one is required. */
  exactlyOneOf: (fields: readonly string[]) =>
    `This object should have only one of the following fields: [${fields.join(', ')}]`,
  /** AWS: `Value should be one of the following: [JSONPath, JSONata]`. */
  oneOfValues: (values: readonly string[]) => `Value should be one of the following: [${values.join(', ')}]`,
  /** AWS: `Maximum value is 99999999`, `Minimum value is 0.0`. */
  minimum: (value: string) => `Minimum value is ${value}`,
  maximum: (value: string) => `Maximum value is ${value}`,
  /** AWS (floci-io/floci measurements) for STRING; other types by analogy. */
  expectedType: (type: JsonTypeName) => `Expected value of type [${type}]`,
  /** AWS (quoted by third-party rules). */
  emptyValue: 'Value cannot be empty',
  invalidPath: 'Value must be a valid JSONPath.',
  notReferencePath: 'Value is not a Reference Path',
  referencePathWithoutDollar: "Value is not a Reference Path: Reference path didn't start with '$'",
  invalidTimestamp: 'String does not match RFC3339 timestamp',
  invalidDynamicValue: (key: string) =>
    `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`,
  statesAllPosition: 'States.ALL must appear alone and at end of list',
  /** After AWS's wording of the one above (an HTTP Task's ApiEndpoint, Method, Authentication.ConnectionArn). */
  requiredField: (field: string) => `The field '${field}' is required but was missing`,
  queryLanguageDowngrade: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
  fieldOfOtherLanguage: (language: string, field: string, other: string) =>
    `The QueryLanguage is set to '${language}', but field '${field}' is only supported for the '${other}' QueryLanguage`,
  /** AWS (localstack/localstack#11978): the word is always 'Next', whatever field names the target. */
  missingTarget: (target: string) => `Missing 'Next' target: ${target}`,
  unreachable: (state: string) => `State "${state}" is not reachable.`,
  noTerminalState: 'Workflow has no terminal state',
  /** AWS (StepFunctions Local output quoted in a public test suite; ChristopheBougere/asl-validator#69). */
  duplicateStateName: (name: string) => `Duplicate State name: ${name}`,
  stateNameTooLong: (name: string) =>
    `Invalid State name: State '${name}' exceeds the 80-character limit allowed by the service`,
  duplicateLabel: (label: string) => `Duplicate Label name: ${label}`,
  /** Our wording (LocalStack's, for cases AWS refuses). */
  labelEmpty: 'Label cannot be empty',
  labelTooLong: 'Label cannot exceed 40 characters',
  labelInvalidCharacter: (character: string) => `Label contains invalid character: '${character}'`,
  /** Quoted by third-party rules. */
  reservedVariable: "Cannot assign to reserved variable '$states'.",
  invalidVariableName: (name: string) =>
    `Invalid variable name '${name}': the variable name contains invalid characters.`,
  /** Our wording, after the one above. */
  variableNameTooLong: (name: string) =>
    `Invalid variable name '${name}': the variable name exceeds the 80-character limit.`,
  /** Our wording (AWS: the ASL docs on workflow variables: an inner scope must not assign a name of an outer scope). */
  variableInOuterScope: (name: string) =>
    `The variable '${name}' is assigned in an outer scope and cannot be assigned in a Parallel branch or Map iteration`,
  /** Our wording (warning UNDEFINED_VARIABLE). */
  undefinedVariable: (name: string) =>
    `The variable '${name}' is not assigned by any state that can run before this one`,
  /** AWS (floci-io/floci PR #2699, #2786, measured): JSONata reads AWS refuses at definition time. */
  topLevelReference: (name: string) => `Reference to '${name}' at the top level is not supported.`,
  rootReference: "Reference to '$$' is not supported.",
  /** Our wording: Statefold runs JSONata's regexes on RE2 (shared/lib/linear-regex.ts); AWS has no such check. */
  unreadableRegex: (expression: string, pattern: string, reason: string) =>
    `The regular expression ${pattern} in the JSONata expression '${expression}' cannot be used: Statefold evaluates regular expressions with RE2 (linear time), which has no back-references or look-around (${reason})`,
  /** AWS for `errorOutput` outside a catcher; for `result` outside Task/Map/Parallel Output/Assign by analogy. */
  missingStatesField: (field: string) => `Field '$states.${field}' does not exist.`,
  /** Our wording. */
  heartbeatNotBelowTimeout:
    "The value of 'HeartbeatSeconds' must be smaller than the value of 'TimeoutSeconds'",
  duplicateTemplateKey: (key: string) => `The field '${key}' is specified more than once`,
  invalidFailPath: (field: string) =>
    `The value for the field '${field}' must be a valid Reference Path or a valid intrinsic function call`,
  noDollar: (key: string) =>
    `The value of the field '${key}' looks like a JSONPath or an intrinsic function, but the field name does not end with '.$'`,
  passResultIsStatic:
    'The Result of a Pass state is static: paths and intrinsic functions in it are not evaluated',
} as const;

export type JsonTypeName = 'STRING' | 'INTEGER' | 'NUMBER' | 'BOOLEAN' | 'OBJECT' | 'ARRAY';

/**
 * AWS's InvalidDefinition message. AWS lists every error of the definition, comma-separated, each as
 * `<CODE>: <message> at <location>`, and prints `null` for a missing location (floci-io/floci#2735,
 * localstack/localstack#11978).
 */
export function formatInvalidDefinition(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'ERROR');
  const shown = errors.length > 0 ? errors : diagnostics;
  const parts = shown.map((diagnostic) => {
    // A JSON syntax message already ends with its Jackson location (readJsonText); it is not repeated.
    if (diagnostic.code === DiagnosticCodes.InvalidJson) return `${diagnostic.code}: ${diagnostic.message}`;
    const location = diagnostic.location ?? NO_LOCATION;
    return `${diagnostic.code}: ${diagnostic.message} at ${location === NO_LOCATION ? 'null' : location}`;
  });
  return `Invalid State Machine Definition: '${parts.join(', ')}'`;
}
