import type { Diagnostic } from '../language/types.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import {
  childLocation,
  DiagnosticCodes,
  errorDiagnostic,
  indexLocation,
  Messages,
  NO_LOCATION,
  schemaError,
} from './diagnostics.ts';
import { checkAllowedFields, checkEnum, checkNumber, checkType } from './field-checks.ts';
import { type DuplicateKey, readJsonText } from './json-text.ts';
import { TOP_LEVEL_FIELDS, TOP_LEVEL_TIMEOUT } from './state-fields.ts';
import { QUERY_LANGUAGES, resolveLanguage } from './validate-state.ts';
import { validateStatesBlock } from './validate-states-block.ts';
import { checkVariables, findUndefinedVariables } from './validate-variables.ts';
import type { ValidationContext } from './validation-context.ts';

export { formatInvalidDefinition } from './diagnostics.ts';
export { findUndefinedVariables } from './validate-variables.ts';
export { collectVariableReferences } from './variable-references.ts';

export interface ValidationResult {
  result: 'OK' | 'FAIL';
  diagnostics: Diagnostic[];
  truncated: boolean;
}

export interface ValidationOptions {
  /** At most this many diagnostics are returned; 0 or absent means AWS's default of 100. */
  maxResults?: number;
  /** ERROR (default) returns errors only; WARNING returns warnings and errors. */
  severity?: 'ERROR' | 'WARNING';
}

const DEFAULT_MAX_RESULTS = 100;

/**
 * Validates an ASL definition the way ValidateStateMachineDefinition does: every problem at once, each
 * with AWS's diagnostic code and location. Accepts the JSON text or an already-parsed value; never throws.
 * `result` is FAIL when any error exists, even one cut off by `maxResults`.
 */
export function validateDefinition(
  definition: string | unknown,
  options: ValidationOptions = {},
): ValidationResult {
  const { diagnostics } = collectDiagnostics(definition);
  const shown =
    options.severity === 'WARNING'
      ? diagnostics
      : diagnostics.filter((diagnostic) => diagnostic.severity === 'ERROR');
  const limit = options.maxResults ? options.maxResults : DEFAULT_MAX_RESULTS;
  return {
    result: diagnostics.some((diagnostic) => diagnostic.severity === 'ERROR') ? 'FAIL' : 'OK',
    diagnostics: shown.slice(0, limit),
    truncated: shown.length > limit,
  };
}

/** Every diagnostic of a definition, and the parsed value when it is a JSON object. */
export function collectDiagnostics(definition: string | unknown): {
  value?: JsonObject;
  diagnostics: Diagnostic[];
} {
  if (definition === undefined || definition === null) {
    return {
      diagnostics: [
        errorDiagnostic(DiagnosticCodes.MissingDescription, Messages.missingDescription, NO_LOCATION),
      ],
    };
  }
  let value: unknown = definition;
  let duplicateKeys: DuplicateKey[] = [];
  if (typeof definition === 'string') {
    if (definition.trim() === '') return { diagnostics: [schemaError(Messages.notAnObject, NO_LOCATION)] };
    const read = readJsonText(definition);
    if (!read.ok) {
      return { diagnostics: [errorDiagnostic(DiagnosticCodes.InvalidJson, read.message, read.location)] };
    }
    value = read.value;
    duplicateKeys = read.duplicateKeys;
  }
  if (!isJsonObject(value as Json)) return { diagnostics: [schemaError(Messages.notAnObject, NO_LOCATION)] };
  const root = value as JsonObject;
  const ctx: ValidationContext = {
    diagnostics: [],
    machineLanguage: resolveLanguage(root, 'JSONPath'),
    stateNames: new Map(),
    labels: new Map(),
    duplicateStateKeys: groupStateKeyDuplicates(duplicateKeys),
  };
  checkTopLevelFields(ctx, root);
  validateStatesBlock(ctx, root, '/', { topLevel: true });
  checkVariables(ctx, root);
  // A reference to a variable that no earlier state can have assigned is reported as a WARNING: AWS accepts
  // such a definition (recorded) and fails the execution only if the reference is evaluated, and so do we.
  ctx.diagnostics.push(...findUndefinedVariables(root));
  return { value: root, diagnostics: ctx.diagnostics };
}

function checkTopLevelFields(ctx: ValidationContext, root: JsonObject): void {
  checkAllowedFields(ctx, root, TOP_LEVEL_FIELDS, '/');
  const at = (field: string) => childLocation('/', field);
  if (Object.hasOwn(root, 'Comment')) checkType(ctx, root.Comment, 'STRING', at('Comment'));
  if (Object.hasOwn(root, 'Version')) checkEnum(ctx, root.Version, ['1.0'], at('Version'));
  if (Object.hasOwn(root, 'QueryLanguage'))
    checkEnum(ctx, root.QueryLanguage, QUERY_LANGUAGES, at('QueryLanguage'));
  if (Object.hasOwn(root, 'TimeoutSeconds')) {
    checkNumber(ctx, root.TimeoutSeconds, TOP_LEVEL_TIMEOUT, at('TimeoutSeconds'), 'JSONPath');
  }
}

/** Repeated keys of the text that sit directly in a `States` object, by that object's location. */
function groupStateKeyDuplicates(duplicates: readonly DuplicateKey[]): Map<string, string[]> {
  const byLocation = new Map<string, string[]>();
  for (const { path, key } of duplicates) {
    if (path[path.length - 1] !== 'States') continue;
    const location = path.reduce<string>(
      (at, segment) =>
        typeof segment === 'number' ? indexLocation(at, segment) : childLocation(at, segment),
      '/',
    );
    const names = byLocation.get(location) ?? [];
    if (!names.includes(key)) names.push(key);
    byLocation.set(location, names);
  }
  return byLocation;
}
