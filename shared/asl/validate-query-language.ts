import type { QueryLanguage, StateType } from '../language/types.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import {
  childLocation,
  DiagnosticCodes,
  errorDiagnostic,
  indexLocation,
  Messages,
  schemaError,
} from './diagnostics.ts';
import { analyzeJsonata, expressionBody, ROOT_REFERENCE } from './jsonata-analysis.ts';
import { forEachJsonataExpression } from './jsonata-fields.ts';
import type { ValidationContext } from './validation-context.ts';

/**
 * What one query language refuses of the other, below the state's own fields (which
 * `validate-state.ts` checks), and the JSONata expressions AWS parses at definition time
 * (AWS: the ASL docs on JSONata).
 */

/**
 * Every `{% %}` expression of a JSONata state: it must parse (INVALID_JSONATA_EXPRESSION, the
 * parser's own message), read no top-level name, `$` or `$$`, and read `$states.result` /
 * `$states.errorOutput` only where they exist (UNSUPPORTED_JSONATA_EXPRESSION). A reference to a
 * variable nobody assigns is not refused: AWS fails the execution instead.
 */
export function checkJsonataExpressions(
  ctx: ValidationContext,
  state: JsonObject,
  type: StateType,
  location: string,
): void {
  forEachJsonataExpression(state, type, location, (site) => {
    const analysis = analyzeJsonata(expressionBody(site.text));
    if (!analysis.ok) {
      ctx.diagnostics.push(
        errorDiagnostic(DiagnosticCodes.InvalidJsonataExpression, analysis.message, site.location),
      );
      return;
    }
    const unsupported = (message: string) =>
      ctx.diagnostics.push(
        errorDiagnostic(DiagnosticCodes.UnsupportedJsonataExpression, message, site.location),
      );
    for (const { pattern, reason } of analysis.unreadableRegexes) {
      ctx.diagnostics.push(
        errorDiagnostic(
          DiagnosticCodes.InvalidJsonataExpression,
          Messages.unreadableRegex(site.text, pattern, reason),
          site.location,
        ),
      );
    }
    for (const name of analysis.topLevelReferences) {
      unsupported(name === ROOT_REFERENCE ? Messages.rootReference : Messages.topLevelReference(name));
    }
    // `errorOutput` outside a catcher is AWS's measured text; `result` follows it by analogy (unverified).
    if (analysis.statesFields.has('errorOutput') && !site.errorOutput) {
      unsupported(Messages.missingStatesField('errorOutput'));
    }
    if (analysis.statesFields.has('result') && !site.result)
      unsupported(Messages.missingStatesField('result'));
  });
}

/**
 * `.$` keys are JSONPath's (AWS: the ASL docs on JSONata: "you will not use .$ key names" in JSONata), yet AWS
 * accepts them inside Output and Arguments, where they are ordinary keys. In ItemSelector and in Assign values
 * they are reported, at the object holding the key (wording and location unverified for nested keys).
 * Assign's own keys are variable names, checked as such.
 */
export function checkJsonataPayloadKeys(ctx: ValidationContext, state: JsonObject, location: string): void {
  const inspect = (value: Json, at: string) => checkDynamicKeys(ctx, value, at);
  if (Object.hasOwn(state, 'ItemSelector'))
    inspect(state.ItemSelector as Json, childLocation(location, 'ItemSelector'));
  const assignValues = (holder: Json, at: string) => {
    if (!isJsonObject(holder) || !isJsonObject(holder.Assign)) return;
    for (const [key, value] of Object.entries(holder.Assign)) {
      inspect(value, childLocation(childLocation(at, 'Assign'), key));
    }
  };
  assignValues(state, location);
  for (const list of ['Choices', 'Catch']) {
    const entries = state[list];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, i) => {
      assignValues(entry, indexLocation(childLocation(location, list), i));
    });
  }
}

function checkDynamicKeys(ctx: ValidationContext, value: Json, location: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkDynamicKeys(ctx, item, indexLocation(location, i));
    });
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.endsWith('.$')) {
        ctx.diagnostics.push(
          schemaError(Messages.fieldOfOtherLanguage('JSONata', key, 'JSONPath'), location),
        );
      }
      checkDynamicKeys(ctx, item, childLocation(location, key));
    }
  }
}

/**
 * Fields of a Map's ItemReader, ItemBatcher and ResultWriter that exist in one language only
 * (AWS: the ASL specification: state types; the ASL docs on JSONata), reported at the object holding them (unverified; floci-io/floci's measured
 * locations for ResultWriter point at the field, its wording is its own).
 */
const NESTED_LANGUAGE_FIELDS: ReadonlyArray<{
  path: readonly string[];
  only: Readonly<Record<QueryLanguage, readonly string[]>>;
}> = [
  { path: ['ItemReader'], only: { JSONPath: ['Parameters'], JSONata: ['Arguments'] } },
  { path: ['ItemReader', 'ReaderConfig'], only: { JSONPath: ['MaxItemsPath'], JSONata: [] } },
  {
    path: ['ItemBatcher'],
    only: { JSONPath: ['MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath'], JSONata: [] },
  },
  { path: ['ResultWriter'], only: { JSONPath: ['Parameters'], JSONata: ['Arguments'] } },
];

export function checkMapLanguageFields(
  ctx: ValidationContext,
  state: JsonObject,
  location: string,
  language: QueryLanguage,
): void {
  const other: QueryLanguage = language === 'JSONPath' ? 'JSONata' : 'JSONPath';
  for (const { path, only } of NESTED_LANGUAGE_FIELDS) {
    let holder: Json | undefined = state;
    let at = location;
    for (const key of path) {
      holder = isJsonObject(holder) ? holder[key] : undefined;
      at = childLocation(at, key);
    }
    if (!isJsonObject(holder)) continue;
    for (const field of only[other]) {
      if (Object.hasOwn(holder, field)) {
        ctx.diagnostics.push(schemaError(Messages.fieldOfOtherLanguage(language, field, other), at));
      }
    }
  }
}

/** JSONata-only fields of a Choice rule; a JSONPath rule holding one is told so, not "not supported". */
const JSONATA_RULE_ONLY: ReadonlySet<string> = new Set(['Condition', 'Output']);

/** How the rule validator words an unsupported field of a JSONPath Choice rule (validateChoiceRule's option). */
export function jsonPathRuleUnsupportedField(field: string): string | undefined {
  return JSONATA_RULE_ONLY.has(field)
    ? Messages.fieldOfOtherLanguage('JSONPath', field, 'JSONata')
    : undefined;
}
