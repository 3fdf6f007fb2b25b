import type { QueryLanguage } from '../language/types.ts';
import type { Json, JsonObject } from '../lib/json.ts';
import { childLocation, indexLocation, Messages, schemaError } from './diagnostics.ts';
import { checkAllowedFields, checkEnum, checkNumber, checkRequired, checkType } from './field-checks.ts';
import {
  CATCHER_FIELDS,
  LANGUAGE_ONLY_FIELDS,
  RETRIER_FIELDS,
  RETRIER_NUMBER_FIELDS,
} from './state-fields.ts';
import { checkAssign, checkPath } from './validate-data-fields.ts';
import type { ValidationContext } from './validation-context.ts';

/** Retry and Catch (AWS: the ASL docs on Retry and Catch). Catch `Next` targets are checked with the other transitions. */

const JITTER_STRATEGIES = ['NONE', 'FULL'] as const;

export function checkRetry(
  ctx: ValidationContext,
  value: Json,
  location: string,
  language: QueryLanguage,
): void {
  eachEntry(ctx, value, location, (retrier, entryLocation, isLast) => {
    checkAllowedFields(ctx, retrier, RETRIER_FIELDS, entryLocation);
    if (checkRequired(ctx, retrier, ['ErrorEquals'], entryLocation)) {
      checkErrorEquals(ctx, retrier.ErrorEquals as Json, childLocation(entryLocation, 'ErrorEquals'), isLast);
    }
    for (const [field, rule] of Object.entries(RETRIER_NUMBER_FIELDS)) {
      if (Object.hasOwn(retrier, field)) {
        checkNumber(ctx, retrier[field], rule, childLocation(entryLocation, field), language);
      }
    }
    if (Object.hasOwn(retrier, 'JitterStrategy')) {
      checkEnum(
        ctx,
        retrier.JitterStrategy,
        JITTER_STRATEGIES,
        childLocation(entryLocation, 'JitterStrategy'),
      );
    }
    checkComment(ctx, retrier, entryLocation);
  });
}

export function checkCatch(
  ctx: ValidationContext,
  value: Json,
  location: string,
  language: QueryLanguage,
): void {
  eachEntry(ctx, value, location, (catcher, entryLocation, isLast) => {
    checkAllowedFields(ctx, catcher, CATCHER_FIELDS, entryLocation);
    checkRequired(ctx, catcher, ['ErrorEquals', 'Next'], entryLocation);
    if (Object.hasOwn(catcher, 'ErrorEquals')) {
      checkErrorEquals(ctx, catcher.ErrorEquals as Json, childLocation(entryLocation, 'ErrorEquals'), isLast);
    }
    if (Object.hasOwn(catcher, 'Next'))
      checkType(ctx, catcher.Next, 'STRING', childLocation(entryLocation, 'Next'));
    const other: QueryLanguage = language === 'JSONPath' ? 'JSONata' : 'JSONPath';
    for (const field of ['ResultPath', 'Output']) {
      if (Object.hasOwn(catcher, field) && LANGUAGE_ONLY_FIELDS[other].has(field)) {
        ctx.diagnostics.push(
          schemaError(Messages.fieldOfOtherLanguage(language, field, other), entryLocation),
        );
      }
    }
    if (language === 'JSONPath' && Object.hasOwn(catcher, 'ResultPath')) {
      checkPath(ctx, catcher.ResultPath as Json, 'result', childLocation(entryLocation, 'ResultPath'));
    }
    if (Object.hasOwn(catcher, 'Assign')) {
      checkAssign(
        ctx,
        catcher.Assign as Json,
        childLocation(entryLocation, 'Assign'),
        language === 'JSONPath',
      );
    }
    checkComment(ctx, catcher, entryLocation);
  });
}

function eachEntry(
  ctx: ValidationContext,
  value: Json,
  location: string,
  check: (entry: JsonObject, location: string, isLast: boolean) => void,
): void {
  if (!checkType(ctx, value, 'ARRAY', location)) return;
  const entries = value as Json[];
  entries.forEach((entry, i) => {
    const entryLocation = indexLocation(location, i);
    if (checkType(ctx, entry, 'OBJECT', entryLocation))
      check(entry as JsonObject, entryLocation, i === entries.length - 1);
  });
}

/**
 * A non-empty array of error names. `States.ALL` must be alone and in the last retrier / catcher. The spec
 * reserves the `States.` prefix, but AWS accepts custom names that use it (`States.QuorumMet`), and so do we.
 */
function checkErrorEquals(ctx: ValidationContext, value: Json, location: string, isLast: boolean): void {
  if (!checkType(ctx, value, 'ARRAY', location)) return;
  const names = value as Json[];
  if (names.length === 0) {
    ctx.diagnostics.push(schemaError(Messages.emptyValue, location));
    return;
  }
  names.forEach((name, i) => {
    const nameLocation = indexLocation(location, i);
    checkType(ctx, name, 'STRING', nameLocation);
  });
  if (names.includes('States.ALL') && (names.length > 1 || !isLast)) {
    ctx.diagnostics.push(schemaError(Messages.statesAllPosition, location));
  }
}

export function checkComment(ctx: ValidationContext, object: JsonObject, location: string): void {
  if (Object.hasOwn(object, 'Comment'))
    checkType(ctx, object.Comment, 'STRING', childLocation(location, 'Comment'));
}
