import { COMPARISON_OPERATORS, validateChoiceRule } from '../choice/index.ts';
import { parseIntegrationResource, unrecognizedResourceMessage } from '../language/task-resources.ts';
import type { QueryLanguage, StateType } from '../language/types.ts';
import { assertNever } from '../lib/assert-never.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import { isTimestamp } from '../lib/timestamps.ts';
import {
  childLocation,
  DiagnosticCodes,
  errorDiagnostic,
  indexLocation,
  Messages,
  schemaError,
  warningDiagnostic,
} from './diagnostics.ts';
import {
  checkAllowedFields,
  checkEnum,
  checkExclusive,
  checkNumber,
  checkRequired,
  checkType,
  isJsonataExpression,
} from './field-checks.ts';
import {
  BRANCH_FIELDS,
  EXCLUSIVE_PAIRS,
  LANGUAGE_ONLY_FIELDS,
  PROCESSOR_FIELDS,
  REQUIRED_STATE_FIELDS,
  STATE_FIELDS,
  STATE_NUMBER_FIELDS,
  STATE_TYPES,
  WAIT_FIELDS,
} from './state-fields.ts';
import {
  checkAnyPayloadTemplate,
  checkAssign,
  checkPath,
  checkPathOrIntrinsic,
  checkPayloadTemplate,
  hasDynamicKeys,
  type PathKind,
} from './validate-data-fields.ts';
import { checkCatch, checkComment, checkRetry } from './validate-error-handling.ts';
import {
  checkJsonataExpressions,
  checkJsonataPayloadKeys,
  checkMapLanguageFields,
  jsonPathRuleUnsupportedField,
} from './validate-query-language.ts';
import type { ValidationContext } from './validation-context.ts';

/** A `States` block inside a state (Parallel branch, Map processor), validated by the caller. */
export interface NestedBlock {
  block: Json;
  location: string;
  fields: ReadonlySet<string>;
}

export const QUERY_LANGUAGES: readonly QueryLanguage[] = ['JSONPath', 'JSONata'];

/** The state's Type when it is a known one. */
export function stateTypeOf(state: Json): StateType | undefined {
  if (!isJsonObject(state)) return undefined;
  return STATE_TYPES.find((type) => type === state.Type);
}

/**
 * The language a state is evaluated in. AWS reads a state as JSONPath only when its QueryLanguage is
 * exactly "JSONPath"; any other value present means JSONata (floci-io/floci#2968); absent, the machine's.
 */
export function resolveLanguage(owner: JsonObject, inherited: QueryLanguage): QueryLanguage {
  if (!Object.hasOwn(owner, 'QueryLanguage')) return inherited;
  return owner.QueryLanguage === 'JSONPath' ? 'JSONPath' : 'JSONata';
}

/** One state: what AWS's schema and per-type rules refuse. Returns the blocks nested in it. */
export function validateState(ctx: ValidationContext, state: Json, location: string): NestedBlock[] {
  if (!checkType(ctx, state, 'OBJECT', location)) return [];
  const object = state as JsonObject;
  if (!checkRequired(ctx, object, ['Type'], location)) return [];
  const type = stateTypeOf(object);
  if (type === undefined) {
    ctx.diagnostics.push(schemaError(Messages.oneOfValues(STATE_TYPES), childLocation(location, 'Type')));
    return [];
  }
  const check = new StateCheck(ctx, object, type, location);
  check.checkCommonFields();
  return check.checkTypeFields();
}

/** The checks of one state of a known type, sharing its object, location and language. */
class StateCheck {
  readonly language: QueryLanguage;
  private readonly allowed: ReadonlySet<string>;
  private readonly ctx: ValidationContext;
  private readonly state: JsonObject;
  private readonly type: StateType;
  private readonly location: string;

  constructor(ctx: ValidationContext, state: JsonObject, type: StateType, location: string) {
    this.ctx = ctx;
    this.state = state;
    this.type = type;
    this.location = location;
    this.allowed = STATE_FIELDS[type];
    this.language = resolveLanguage(state, ctx.machineLanguage);
  }

  /** The field's value when the state has it and its type takes it. */
  private field(name: string): Json | undefined {
    return this.allowed.has(name) && Object.hasOwn(this.state, name) ? this.state[name] : undefined;
  }

  private at(name: string): string {
    return childLocation(this.location, name);
  }

  private get jsonPath(): boolean {
    return this.language === 'JSONPath';
  }

  checkCommonFields(): void {
    const { ctx, state, location } = this;
    checkAllowedFields(ctx, state, this.allowed, location);
    const downgraded = this.checkQueryLanguage();
    if (!downgraded) this.checkLanguageOnlyFields();
    if (!this.jsonPath) {
      checkJsonataExpressions(ctx, state, this.type, location);
      checkJsonataPayloadKeys(ctx, state, location);
    }
    checkRequired(ctx, state, REQUIRED_STATE_FIELDS[this.type] ?? [], location);
    for (const pair of EXCLUSIVE_PAIRS) {
      if (this.allowed.has(pair[0])) checkExclusive(ctx, state, pair, location);
    }
    for (const [name, rule] of Object.entries(STATE_NUMBER_FIELDS)) {
      const value = this.field(name);
      if (value !== undefined) checkNumber(ctx, value, rule, this.at(name), this.language);
    }
    checkComment(ctx, state, location);
    if (this.jsonPath) {
      this.checkPathField('InputPath', 'any');
      this.checkPathField('OutputPath', 'any');
      this.checkPathField('ResultPath', 'result');
      this.checkTemplateField('ResultSelector');
    }
    const assign = this.field('Assign');
    if (assign !== undefined) checkAssign(ctx, assign, this.at('Assign'), this.jsonPath);
    if (this.allowed.has('End')) this.checkTransition();
    const retry = this.field('Retry');
    if (retry !== undefined) checkRetry(ctx, retry, this.at('Retry'), this.language);
    const catchers = this.field('Catch');
    if (catchers !== undefined) checkCatch(ctx, catchers, this.at('Catch'), this.language);
  }

  /** Returns true when the state declares JSONPath under a JSONata machine, which AWS reports alone. */
  private checkQueryLanguage(): boolean {
    if (!Object.hasOwn(this.state, 'QueryLanguage')) return false;
    checkEnum(this.ctx, this.state.QueryLanguage, QUERY_LANGUAGES, this.at('QueryLanguage'));
    if (this.ctx.machineLanguage === 'JSONata' && this.state.QueryLanguage === 'JSONPath') {
      this.ctx.diagnostics.push(schemaError(Messages.queryLanguageDowngrade, this.location));
      return true;
    }
    return false;
  }

  /** Fields of the other query language, reported at the state (floci-io/floci#2968). */
  private checkLanguageOnlyFields(): void {
    const other: QueryLanguage = this.jsonPath ? 'JSONata' : 'JSONPath';
    for (const key of Object.keys(this.state)) {
      if (this.allowed.has(key) && LANGUAGE_ONLY_FIELDS[other].has(key)) {
        this.ctx.diagnostics.push(
          schemaError(Messages.fieldOfOtherLanguage(this.language, key, other), this.location),
        );
      }
    }
  }

  /** Next xor `End: true` (AWS: the ASL specification: common state fields). */
  private checkTransition(): void {
    const { ctx, state, location } = this;
    const hasNext = Object.hasOwn(state, 'Next');
    const hasEnd = Object.hasOwn(state, 'End');
    if (hasNext) checkType(ctx, state.Next, 'STRING', this.at('Next'));
    if (hasEnd) checkType(ctx, state.End, 'BOOLEAN', this.at('End'));
    if (hasNext && hasEnd) {
      ctx.diagnostics.push(schemaError(Messages.onlyOneOf(['Next', 'End']), location));
    } else if (!hasNext && state.End !== true) {
      ctx.diagnostics.push(schemaError(Messages.exactlyOneOf(['Next', 'End']), location));
    }
  }

  private checkPathField(name: string, kind: PathKind): void {
    const value = this.field(name);
    if (value !== undefined) checkPath(this.ctx, value, kind, this.at(name));
  }

  private checkTemplateField(name: string): void {
    const value = this.field(name);
    if (value !== undefined) checkPayloadTemplate(this.ctx, value, this.at(name));
  }

  /** A string field; in JSONata states it may also be an expression. */
  private checkStringField(name: string): void {
    const value = this.field(name);
    if (value !== undefined) checkType(this.ctx, value, 'STRING', this.at(name));
  }

  checkTypeFields(): NestedBlock[] {
    switch (this.type) {
      case 'Pass':
        this.checkPass();
        return [];
      case 'Task':
        this.checkTask();
        return [];
      case 'Choice':
        this.checkChoice();
        return [];
      case 'Wait':
        this.checkWait();
        return [];
      case 'Succeed':
        return [];
      case 'Fail':
        this.checkFail();
        return [];
      case 'Parallel':
        return this.checkParallel();
      case 'Map':
        return this.checkMap();
      default:
        return assertNever(this.type, 'state type');
    }
  }

  private checkPass(): void {
    if (!this.jsonPath) return;
    const parameters = this.field('Parameters');
    if (parameters !== undefined) checkAnyPayloadTemplate(this.ctx, parameters, this.at('Parameters'));
    const result = this.field('Result');
    if (result !== undefined && hasDynamicKeys(result)) {
      this.ctx.diagnostics.push(
        warningDiagnostic(DiagnosticCodes.PassResultIsStatic, Messages.passResultIsStatic, this.at('Result')),
      );
    }
  }

  private checkTask(): void {
    const { ctx } = this;
    this.checkStringField('Resource');
    const resource = this.field('Resource');
    if (
      typeof resource === 'string' &&
      (parseIntegrationResource(resource).kind === 'unrecognized' || isMalformedLambdaArn(resource))
    ) {
      ctx.diagnostics.push(schemaError(unrecognizedResourceMessage(resource), this.at('Resource')));
    }
    if (typeof resource === 'string') this.checkHttpTask(resource);
    if (this.jsonPath) {
      this.checkTemplateField('Parameters');
      this.checkPathField('TimeoutSecondsPath', 'reference');
      this.checkPathField('HeartbeatSecondsPath', 'reference');
    }
    const credentials = this.field('Credentials');
    if (credentials !== undefined && !(this.language === 'JSONata' && isJsonataExpression(credentials))) {
      if (this.jsonPath) checkPayloadTemplate(ctx, credentials, this.at('Credentials'));
      else checkType(ctx, credentials, 'OBJECT', this.at('Credentials'));
      if (
        isJsonObject(credentials) &&
        !Object.hasOwn(credentials, 'RoleArn') &&
        !Object.hasOwn(credentials, 'RoleArn.$')
      ) {
        ctx.diagnostics.push(schemaError(Messages.requiredField('RoleArn'), this.at('Credentials')));
      }
    }
    const timeout = this.field('TimeoutSeconds');
    const heartbeat = this.field('HeartbeatSeconds');
    if (typeof timeout === 'number' && typeof heartbeat === 'number' && heartbeat >= timeout) {
      ctx.diagnostics.push(schemaError(Messages.heartbeatNotBelowTimeout, this.at('HeartbeatSeconds')));
    }
  }

  /**
   * An HTTP Task (`arn:aws:states:::http:invoke`) names its endpoint, method and connection: a Parameters (or
   * Arguments) object without ApiEndpoint, Method or Authentication.ConnectionArn (in JSONPath, with or without
   * `.$`) is refused at create time, AWS's "The field '…' is required but was missing".
   */
  private checkHttpTask(resource: string): void {
    const parsed = parseIntegrationResource(resource);
    if (parsed.kind !== 'integration' || parsed.integration.sdk) return;
    if (parsed.integration.service !== 'http' || parsed.integration.action !== 'invoke') return;
    const name = this.jsonPath ? 'Parameters' : 'Arguments';
    const fields = this.field(name);
    if (fields === undefined) {
      this.ctx.diagnostics.push(schemaError(Messages.requiredField(name), this.location));
      return;
    }
    // A JSONata expression for the whole Arguments is checked when it runs.
    if (!isJsonObject(fields)) return;
    const has = (object: JsonObject, key: string) =>
      Object.hasOwn(object, key) || (this.jsonPath && Object.hasOwn(object, `${key}.$`));
    for (const key of ['ApiEndpoint', 'Method', 'Authentication']) {
      if (!has(fields, key))
        this.ctx.diagnostics.push(schemaError(Messages.requiredField(key), this.at(name)));
    }
    const authentication = fields.Authentication;
    if (isJsonObject(authentication) && !has(authentication, 'ConnectionArn')) {
      this.ctx.diagnostics.push(
        schemaError(Messages.requiredField('ConnectionArn'), childLocation(this.at(name), 'Authentication')),
      );
    }
  }

  private checkChoice(): void {
    const { ctx } = this;
    this.checkStringField('Default');
    const choices = this.field('Choices');
    if (choices === undefined || !checkType(ctx, choices, 'ARRAY', this.at('Choices'))) return;
    const rules = choices as Json[];
    if (rules.length === 0) {
      ctx.diagnostics.push(schemaError(Messages.emptyValue, this.at('Choices')));
      return;
    }
    rules.forEach((rule, i) => {
      const ruleLocation = indexLocation(this.at('Choices'), i);
      if (!this.jsonPath) {
        checkJsonataChoiceRule(ctx, rule, ruleLocation);
        return;
      }
      ctx.diagnostics.push(
        ...validateChoiceRule(rule, ruleLocation, {
          topLevel: true,
          unsupportedField: jsonPathRuleUnsupportedField,
        }),
      );
      // The rule validator checks that Assign is an object; its variables and `.$` values are checked here.
      if (isJsonObject(rule) && isJsonObject(rule.Assign)) {
        checkAssign(ctx, rule.Assign, childLocation(ruleLocation, 'Assign'), true);
      }
    });
  }

  private checkWait(): void {
    const { ctx, state, location } = this;
    const present = WAIT_FIELDS.filter((name) => Object.hasOwn(state, name));
    if (present.length > 1) ctx.diagnostics.push(schemaError(Messages.onlyOneOf(WAIT_FIELDS), location));
    if (present.length === 0) ctx.diagnostics.push(schemaError(Messages.exactlyOneOf(WAIT_FIELDS), location));
    const timestamp = this.field('Timestamp');
    if (timestamp !== undefined && !(this.language === 'JSONata' && isJsonataExpression(timestamp))) {
      if (checkType(ctx, timestamp, 'STRING', this.at('Timestamp')) && !isTimestamp(timestamp)) {
        ctx.diagnostics.push(schemaError(Messages.invalidTimestamp, this.at('Timestamp')));
      }
    }
    if (this.jsonPath) {
      this.checkPathField('SecondsPath', 'reference');
      this.checkPathField('TimestampPath', 'reference');
    }
  }

  private checkFail(): void {
    this.checkStringField('Error');
    this.checkStringField('Cause');
    if (!this.jsonPath) return;
    for (const name of ['ErrorPath', 'CausePath']) {
      const value = this.field(name);
      if (value !== undefined) checkPathOrIntrinsic(this.ctx, value, name, this.at(name));
    }
  }

  private checkParallel(): NestedBlock[] {
    const { ctx } = this;
    if (this.jsonPath) this.checkTemplateField('Parameters');
    const branches = this.field('Branches');
    if (branches === undefined || !checkType(ctx, branches, 'ARRAY', this.at('Branches'))) return [];
    const list = branches as Json[];
    if (list.length === 0) ctx.diagnostics.push(schemaError(Messages.emptyValue, this.at('Branches')));
    return list.map((block, i) => ({
      block,
      location: indexLocation(this.at('Branches'), i),
      fields: BRANCH_FIELDS,
    }));
  }

  private checkMap(): NestedBlock[] {
    const { ctx, state, location } = this;
    if (this.jsonPath) {
      this.checkTemplateField('ItemSelector');
      this.checkTemplateField('Parameters');
      this.checkPathField('ItemsPath', 'reference');
      this.checkPathField('MaxConcurrencyPath', 'reference-input');
      this.checkPathField('ToleratedFailurePercentagePath', 'reference-input');
      this.checkPathField('ToleratedFailureCountPath', 'reference-input');
    }
    for (const name of ['ItemReader', 'ItemBatcher', 'ResultWriter']) {
      const value = this.field(name);
      if (value !== undefined) checkType(ctx, value, 'OBJECT', this.at(name));
    }
    const batcher = this.field('ItemBatcher');
    if (isJsonObject(batcher)) {
      checkExclusivePairs(ctx, batcher, this.at('ItemBatcher'), [
        'MaxItemsPerBatch',
        'MaxInputBytesPerBatch',
      ]);
    }
    const writer = this.field('ResultWriter');
    if (isJsonObject(writer)) checkResultWriter(ctx, writer, this.at('ResultWriter'), this.language);
    const reader = this.field('ItemReader');
    if (isJsonObject(reader) && isJsonObject(reader.ReaderConfig)) {
      checkExclusivePairs(ctx, reader.ReaderConfig, childLocation(this.at('ItemReader'), 'ReaderConfig'), [
        'MaxItems',
      ]);
    }
    checkMapLanguageFields(ctx, state, location, this.language);
    const label = this.field('Label');
    if (label !== undefined) checkLabel(ctx, label, this.at('Label'));
    const processors = (['ItemProcessor', 'Iterator'] as const).filter((name) => Object.hasOwn(state, name));
    if (processors.length === 0) {
      ctx.diagnostics.push(schemaError(Messages.exactlyOneOf(['ItemProcessor', 'Iterator']), location));
    } else if (processors.length > 1) {
      ctx.diagnostics.push(schemaError(Messages.onlyOneOf(['ItemProcessor', 'Iterator']), location));
    }
    return processors.map((name) => {
      const processor = state[name] as Json;
      const processorLocation = this.at(name);
      if (isJsonObject(processor) && Object.hasOwn(processor, 'ProcessorConfig')) {
        checkProcessorConfig(
          ctx,
          processor.ProcessorConfig as Json,
          childLocation(processorLocation, 'ProcessorConfig'),
        );
      }
      return { block: processor, location: processorLocation, fields: PROCESSOR_FIELDS };
    });
  }
}

const PROCESSOR_CONFIG_FIELDS: ReadonlySet<string> = new Set(['Mode', 'ExecutionType']);
const PROCESSOR_MODES = ['INLINE', 'DISTRIBUTED'] as const;
const EXECUTION_TYPES = ['STANDARD', 'EXPRESS'] as const;

const WRITER_CONFIG_FIELDS: ReadonlySet<string> = new Set(['OutputType', 'Transformation']);
const OUTPUT_TYPES = ['JSON', 'JSONL'] as const;
const RESULT_TRANSFORMATIONS = ['NONE', 'COMPACT', 'FLATTEN'] as const;

/**
 * A ResultWriter holds a Resource with its Parameters (Arguments in JSONata), a WriterConfig, or all three (AWS: the
 * developer guide, ResultWriter: "Required field combinations"); a WriterConfig names its OutputType, and its
 * values are AWS's. The wording is ours where AWS's is not known: the field-level messages are the validator's own.
 */
function checkResultWriter(
  ctx: ValidationContext,
  writer: JsonObject,
  location: string,
  language: QueryLanguage,
): void {
  const template = language === 'JSONata' ? 'Arguments' : 'Parameters';
  const hasConfig = Object.hasOwn(writer, 'WriterConfig');
  // The other language's template field is told as such by checkMapLanguageFields, not as a missing one.
  const hasTemplate = Object.hasOwn(writer, 'Parameters') || Object.hasOwn(writer, 'Arguments');
  if (Object.hasOwn(writer, 'Resource')) {
    if (!hasTemplate) ctx.diagnostics.push(schemaError(Messages.required([template]), location));
  } else if (!hasConfig) {
    ctx.diagnostics.push(schemaError(Messages.required(['Resource', template]), location));
  } else if (hasTemplate) {
    ctx.diagnostics.push(schemaError(Messages.required(['Resource']), location));
  }
  if (!hasConfig) return;
  const at = childLocation(location, 'WriterConfig');
  if (!checkType(ctx, writer.WriterConfig, 'OBJECT', at)) return;
  const config = writer.WriterConfig as JsonObject;
  checkAllowedFields(ctx, config, WRITER_CONFIG_FIELDS, at);
  checkRequired(ctx, config, ['OutputType'], at);
  if (Object.hasOwn(config, 'OutputType')) {
    checkEnum(ctx, config.OutputType, OUTPUT_TYPES, childLocation(at, 'OutputType'));
  }
  if (Object.hasOwn(config, 'Transformation')) {
    checkEnum(ctx, config.Transformation, RESULT_TRANSFORMATIONS, childLocation(at, 'Transformation'));
  }
}

/** DISTRIBUTED needs an ExecutionType; INLINE takes none (quoted AWS messages, cdk preflight rules). */
function checkProcessorConfig(ctx: ValidationContext, value: Json, location: string): void {
  if (!checkType(ctx, value, 'OBJECT', location)) return;
  const config = value as JsonObject;
  checkAllowedFields(ctx, config, PROCESSOR_CONFIG_FIELDS, location);
  if (Object.hasOwn(config, 'Mode'))
    checkEnum(ctx, config.Mode, PROCESSOR_MODES, childLocation(location, 'Mode'));
  if (Object.hasOwn(config, 'ExecutionType')) {
    checkEnum(ctx, config.ExecutionType, EXECUTION_TYPES, childLocation(location, 'ExecutionType'));
    if (config.Mode === 'INLINE')
      ctx.diagnostics.push(schemaError(Messages.notSupported('ExecutionType'), location));
  } else if (config.Mode === 'DISTRIBUTED') {
    ctx.diagnostics.push(schemaError(Messages.required(['ExecutionType']), location));
  }
}

/**
 * Characters a Map label may not hold (AWS: the Step Functions API: naming rules, the same set as state machine names):
 * whitespace, `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /`, control characters, U+FFFE/U+FFFF, lone surrogates.
 */
const LABEL_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}\ufffe\uffff]|\p{Cs}/u;
const LABEL_MAX_LENGTH = 40;

function checkLabel(ctx: ValidationContext, value: Json, location: string): void {
  if (!checkType(ctx, value, 'STRING', location)) return;
  const label = value as string;
  const invalid = (message: string) =>
    ctx.diagnostics.push(errorDiagnostic(DiagnosticCodes.InvalidLabelName, message, location));
  const forbidden = LABEL_FORBIDDEN.exec(label);
  if (label.length === 0) invalid(Messages.labelEmpty);
  else if ([...label].length > LABEL_MAX_LENGTH) invalid(Messages.labelTooLong);
  else if (forbidden) invalid(Messages.labelInvalidCharacter(forbidden[0]));
  else if (ctx.labels.has(label)) {
    ctx.diagnostics.push(
      errorDiagnostic(DiagnosticCodes.DuplicateLabelName, Messages.duplicateLabel(label), location),
    );
  } else {
    ctx.labels.set(label, location);
  }
}

const JSONATA_RULE_FIELDS: ReadonlySet<string> = new Set([
  'Condition',
  'Next',
  'Assign',
  'Output',
  'Comment',
]);
/** JSONPath rule fields: the combinators, Variable and every comparison operator (AWS: the ASL docs on JSONata). */
const JSONPATH_RULE_FIELDS: ReadonlySet<string> = new Set([
  'Variable',
  'And',
  'Or',
  'Not',
  ...COMPARISON_OPERATORS,
]);

/** A JSONata Choice rule: `{Condition, Next, Assign?, Output?, Comment?}`; its expressions are checked with the state's. */
function checkJsonataChoiceRule(ctx: ValidationContext, rule: Json, location: string): void {
  if (!checkType(ctx, rule, 'OBJECT', location)) return;
  const object = rule as JsonObject;
  for (const key of Object.keys(object)) {
    if (JSONATA_RULE_FIELDS.has(key)) continue;
    const message = JSONPATH_RULE_FIELDS.has(key)
      ? Messages.fieldOfOtherLanguage('JSONata', key, 'JSONPath')
      : Messages.notSupported(key);
    ctx.diagnostics.push(schemaError(message, location));
  }
  checkRequired(ctx, object, ['Condition', 'Next'], location);
  if (Object.hasOwn(object, 'Next')) checkType(ctx, object.Next, 'STRING', childLocation(location, 'Next'));
  if (Object.hasOwn(object, 'Assign'))
    checkAssign(ctx, object.Assign as Json, childLocation(location, 'Assign'), false);
}

/** In an ItemBatcher or a ReaderConfig too, a field and its `…Path` twin are alternatives: never both. */
function checkExclusivePairs(
  ctx: ValidationContext,
  object: JsonObject,
  location: string,
  fields: readonly string[],
): void {
  for (const field of fields) {
    const pair = [field, `${field}Path`];
    if (pair.every((name) => Object.hasOwn(object, name))) {
      ctx.diagnostics.push(schemaError(Messages.onlyOneOf(pair), location));
    }
  }
}

/**
 * A Lambda function ARN as Lambda accepts it: a function name of letters, digits, `-` and `_` (at most 64), and
 * an optional qualifier (a version, `$LATEST` or an alias: letters, digits, `$`, `-`, `_`).
 */
const LAMBDA_FUNCTION_ARN =
  /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]{1,128})?$/;

function isMalformedLambdaArn(resource: string): boolean {
  return /^arn:aws[\w-]*:lambda:/.test(resource) && !LAMBDA_FUNCTION_ARN.test(resource);
}
