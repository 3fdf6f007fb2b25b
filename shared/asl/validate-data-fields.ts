import { checkIntrinsic, isIntrinsicCall } from '../intrinsics/index.ts';
import { compilePath, isReferencePath, isValidPath } from '../jsonpath/paths.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import {
  childLocation,
  DiagnosticCodes,
  errorDiagnostic,
  indexLocation,
  Messages,
  schemaError,
  warningDiagnostic,
} from './diagnostics.ts';
import { checkType } from './field-checks.ts';
import type { ValidationContext } from './validation-context.ts';

/** JSONPath data fields: paths, payload templates (`.$` keys) and Assign (AWS: the ASL docs on input and output processing; the ASL docs on paths and payload templates; the ASL docs on workflow variables). */

/**
 * What a path field accepts:
 * - `any`: any path, or null (InputPath, OutputPath);
 * - `reference`: a reference path (ItemsPath, TimeoutSecondsPath, SecondsPath, …);
 * - `reference-input`: a reference path into the input or a variable, not `$$` (the Map number `…Path` fields, floci-io/floci#3733);
 * - `result`: null, or a reference path into the input, not `$$` nor a variable (ResultPath).
 */
export type PathKind = 'any' | 'reference' | 'reference-input' | 'result';

export function checkPath(ctx: ValidationContext, value: Json, kind: PathKind, location: string): void {
  if (value === null && (kind === 'any' || kind === 'result')) return;
  if (!checkType(ctx, value, 'STRING', location)) return;
  const text = value as string;
  if (kind === 'any') {
    if (!isValidPath(text)) ctx.diagnostics.push(schemaError(Messages.invalidPath, location));
    return;
  }
  if (!text.startsWith('$')) {
    ctx.diagnostics.push(schemaError(Messages.referencePathWithoutDollar, location));
    return;
  }
  if (!isReferencePath(text) || !rootAllowed(text, kind)) {
    ctx.diagnostics.push(schemaError(Messages.notReferencePath, location));
  }
}

/** ResultPath writes into the input only; the Map number fields may read a variable too (AWS-recorded
 *  MAP_STATE_REFERENCE_IN_MAX_CONCURRENCY_PATH), never `$$`. */
function rootAllowed(path: string, kind: PathKind): boolean {
  const root = compilePath(path).root.kind;
  if (kind === 'result') return root === 'input';
  if (kind === 'reference-input') return root !== 'context';
  return true;
}

/** Fail's ErrorPath / CausePath: a reference path or an intrinsic function call (AWS: the ASL specification: state types). */
export function checkPathOrIntrinsic(
  ctx: ValidationContext,
  value: Json,
  field: string,
  location: string,
): void {
  if (!checkType(ctx, value, 'STRING', location)) return;
  const text = value as string;
  if (isIntrinsicCall(text)) {
    checkIntrinsicCall(ctx, text, location);
  } else if (!isReferencePath(text)) {
    ctx.diagnostics.push(schemaError(Messages.invalidFailPath(field), location));
  }
}

function checkIntrinsicCall(ctx: ValidationContext, text: string, location: string): void {
  for (const problem of checkIntrinsic(text)) ctx.diagnostics.push(schemaError(problem, location));
}

/**
 * A payload template (Parameters, ResultSelector, ItemSelector, Credentials): a JSON object whose `.$`
 * keys, at any depth, hold a path or an intrinsic call, and whose keys stay distinct once `.$` is dropped.
 */
export function checkPayloadTemplate(ctx: ValidationContext, value: Json, location: string): void {
  if (!checkType(ctx, value, 'OBJECT', location)) return;
  checkTemplateObject(ctx, value as JsonObject, location);
}

/** A Pass state's Parameters: AWS takes any JSON value there (an array, a string…), a template at any depth. */
export function checkAnyPayloadTemplate(ctx: ValidationContext, value: Json, location: string): void {
  checkTemplateValue(ctx, value, location);
}

function checkTemplateValue(ctx: ValidationContext, value: Json, location: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkTemplateValue(ctx, item, indexLocation(location, i));
    });
  } else if (isJsonObject(value)) {
    checkTemplateObject(ctx, value, location);
  }
}

function checkTemplateObject(ctx: ValidationContext, template: JsonObject, location: string): void {
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(template)) {
    const keyLocation = childLocation(location, key);
    const name = key.endsWith('.$') ? key.slice(0, -2) : key;
    if (keys.has(name)) ctx.diagnostics.push(schemaError(Messages.duplicateTemplateKey(name), keyLocation));
    keys.add(name);
    if (key.endsWith('.$')) {
      checkDynamicValue(ctx, key, value, keyLocation);
    } else if (typeof value === 'string' && looksDynamic(value)) {
      ctx.diagnostics.push(warningDiagnostic(DiagnosticCodes.NoDollar, Messages.noDollar(key), keyLocation));
    } else {
      checkTemplateValue(ctx, value, keyLocation);
    }
  }
}

/** The value of a `.$` key: `$…` / `$$…` / `$var…` is a path, anything else must be an intrinsic call. */
function checkDynamicValue(ctx: ValidationContext, key: string, value: Json, location: string): void {
  if (typeof value === 'string' && isIntrinsicCall(value)) {
    checkIntrinsicCall(ctx, value, location);
  } else if (typeof value !== 'string' || !isValidPath(value)) {
    ctx.diagnostics.push(schemaError(Messages.invalidDynamicValue(key), location));
  }
}

/** A literal string that reads like a path or an intrinsic call (warning NO_DOLLAR). */
export function looksDynamic(value: string): boolean {
  return /^\$\$?(?:$|[.[])/.test(value) || /^States\.[A-Za-z]+\(/.test(value);
}

/** A template or Result that holds `.$` keys somewhere (warning PASS_RESULT_IS_STATIC). */
export function hasDynamicKeys(value: Json): boolean {
  if (Array.isArray(value)) return value.some(hasDynamicKeys);
  if (!isJsonObject(value)) return false;
  return Object.entries(value).some(([key, item]) => key.endsWith('.$') || hasDynamicKeys(item));
}

const VARIABLE_NAME = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;
/** Variable names are at most 80 characters (AWS: the ASL docs on workflow variables). */
const VARIABLE_NAME_MAX_LENGTH = 80;

/**
 * Assign: an object of variable names. In JSONPath its `.$` keys are evaluated as in a payload
 * template; in JSONata its expressions are checked with the state's (validate-query-language.ts).
 * `states` is reserved (AWS: the ASL docs on workflow variables).
 */
export function checkAssign(ctx: ValidationContext, value: Json, location: string, jsonPath: boolean): void {
  if (!checkType(ctx, value, 'OBJECT', location)) return;
  const assign = value as JsonObject;
  for (const key of Object.keys(assign)) {
    const name = jsonPath && key.endsWith('.$') ? key.slice(0, -2) : key;
    const keyLocation = childLocation(location, key);
    if (name === 'states') {
      ctx.diagnostics.push(
        errorDiagnostic(DiagnosticCodes.ReservedVariableName, Messages.reservedVariable, keyLocation),
      );
    } else if (!VARIABLE_NAME.test(name)) {
      ctx.diagnostics.push(
        errorDiagnostic(DiagnosticCodes.InvalidVariableName, Messages.invalidVariableName(name), keyLocation),
      );
    } else if ([...name].length > VARIABLE_NAME_MAX_LENGTH) {
      ctx.diagnostics.push(
        errorDiagnostic(DiagnosticCodes.InvalidVariableName, Messages.variableNameTooLong(name), keyLocation),
      );
    }
  }
  if (jsonPath) checkTemplateObject(ctx, assign, location);
}
