import type { Diagnostic } from '../language/types.ts';
import { isJsonObject, type JsonObject } from '../lib/json.ts';
import { childLocation, schemaError } from './diagnostics.ts';
import { nestedBlocksOf } from './variable-references.ts';

/**
 * Fields AWS accepts that Statefold cannot run yet (issue 14: Distributed Map over S3). A definition using one is
 * refused where it would be deployed or run (CreateStateMachine, UpdateStateMachine, `statefold run`, `start`,
 * `test`), never run as if the field were absent: a Map would otherwise fail at run time for want of items, or
 * return its results instead of writing them. ValidateStateMachineDefinition still answers as AWS does.
 */
const UNSUPPORTED_MAP_FIELDS: Readonly<Record<string, string>> = {
  ItemReader: 'reading items from S3',
  ResultWriter: 'writing results to S3',
};

export const unsupportedFieldMessage = (field: string): string =>
  `Statefold does not support the Map field '${field}' (${UNSUPPORTED_MAP_FIELDS[field]}) yet: give the items in the state's input (ItemsPath or Items) and remove '${field}'`;

/** The unsupported fields a definition uses, each located as AWS locates a field: at the state that holds it. */
export function findUnsupportedFields(definition: JsonObject): Diagnostic[] {
  const found: Diagnostic[] = [];
  const visit = (block: JsonObject, at: string): void => {
    if (!isJsonObject(block.States)) return;
    for (const [name, state] of Object.entries(block.States)) {
      if (!isJsonObject(state)) continue;
      const location = childLocation(childLocation(at, 'States'), name);
      if (state.Type === 'Map') {
        for (const field of Object.keys(UNSUPPORTED_MAP_FIELDS)) {
          if (Object.hasOwn(state, field)) {
            found.push(schemaError(unsupportedFieldMessage(field), childLocation(location, field)));
          }
        }
      }
      for (const nested of nestedBlocksOf(state, location)) visit(nested.block, nested.location);
    }
  };
  visit(definition, '/');
  return found;
}
