import type { StateType } from '../language/types.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import { childLocation, indexLocation } from './diagnostics.ts';
import { isJsonataExpression } from './field-checks.ts';
import { LANGUAGE_ONLY_FIELDS, STATE_FIELDS } from './state-fields.ts';

/**
 * Where a JSONata state holds `{% %}` expressions that AWS parses when the definition is created.
 * Measured against ValidateStateMachineDefinition (floci-io/floci PR #2786): a `{% %}` string in
 * Comment, Next, Default, Resource, ErrorEquals, Retry, Credentials or ReaderConfig.CSVHeaders stays
 * text; ItemProcessor, Iterator and Branches hold states of their own. Every other field is parsed,
 * and inside a payload (Output, Assign, Arguments, ItemSelector, BatchInput) every string is, whatever
 * its key.
 */
const NOT_PARSED: ReadonlySet<string> = new Set([
  'Type',
  'QueryLanguage',
  'Comment',
  'Next',
  'End',
  'Default',
  'Resource',
  'ErrorEquals',
  'Retry',
  'Credentials',
  'ItemProcessor',
  'Iterator',
  'Branches',
  'Label',
  'CSVHeaders',
]);
const PAYLOAD_FIELDS: ReadonlySet<string> = new Set([
  'Output',
  'Assign',
  'Arguments',
  'ItemSelector',
  'BatchInput',
]);
/** `$states.result` exists in these states' own Output and Assign (AWS: the ASL docs on JSONata). */
const STATES_WITH_RESULT: ReadonlySet<StateType> = new Set(['Task', 'Map', 'Parallel']);

/** One expression string and what `$states` offers where it is written. */
export interface ExpressionSite {
  /** The whole `{% … %}` string. */
  text: string;
  location: string;
  /** `$states.result` exists here. */
  result: boolean;
  /** `$states.errorOutput` exists here. */
  errorOutput: boolean;
}

/** Calls `visit` for every expression of a JSONata state, in the order of the definition. */
export function forEachJsonataExpression(
  state: JsonObject,
  type: StateType,
  location: string,
  visit: (site: ExpressionSite) => void,
): void {
  const allowed = STATE_FIELDS[type];
  for (const [field, value] of Object.entries(state)) {
    if (!allowed.has(field) || NOT_PARSED.has(field) || LANGUAGE_ONLY_FIELDS.JSONPath.has(field)) continue;
    const at = childLocation(location, field);
    if (field === 'Catch') {
      eachObject(value, at, (catcher, catcherAt) => {
        for (const name of ['Output', 'Assign']) {
          if (Object.hasOwn(catcher, name)) {
            walkValue(
              catcher[name] as Json,
              childLocation(catcherAt, name),
              true,
              {
                result: false,
                errorOutput: true,
              },
              visit,
            );
          }
        }
      });
    } else if (field === 'Choices') {
      eachObject(value, at, (rule, ruleAt) => {
        for (const name of ['Condition', 'Assign', 'Output']) {
          if (Object.hasOwn(rule, name)) {
            const payload = name !== 'Condition';
            walkValue(rule[name] as Json, childLocation(ruleAt, name), payload, NO_STATES_EXTRAS, visit);
          }
        }
      });
    } else {
      const result = STATES_WITH_RESULT.has(type) && (field === 'Output' || field === 'Assign');
      walkValue(value, at, PAYLOAD_FIELDS.has(field), { result, errorOutput: false }, visit);
    }
  }
}

const NO_STATES_EXTRAS = { result: false, errorOutput: false } as const;

function walkValue(
  value: Json,
  location: string,
  inPayload: boolean,
  extras: { result: boolean; errorOutput: boolean },
  visit: (site: ExpressionSite) => void,
): void {
  if (isJsonataExpression(value)) {
    visit({ text: value, location, ...extras });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      walkValue(item, indexLocation(location, i), inPayload, extras, visit);
    });
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (!inPayload && NOT_PARSED.has(key)) continue;
      walkValue(item, childLocation(location, key), inPayload || PAYLOAD_FIELDS.has(key), extras, visit);
    }
  }
}

function eachObject(
  value: Json,
  location: string,
  visit: (entry: JsonObject, location: string) => void,
): void {
  if (!Array.isArray(value)) return;
  value.forEach((entry, i) => {
    if (isJsonObject(entry)) visit(entry, indexLocation(location, i));
  });
}
