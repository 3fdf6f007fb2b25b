import type { Diagnostic, StateMachineDefinition } from '../language/types.ts';
import { findUnsupportedFields } from './unsupported-fields.ts';
import { collectDiagnostics } from './validate-definition.ts';

export { formatInvalidDefinition } from './diagnostics.ts';

/**
 * Parses and validates a definition (JSON text or parsed value) for deploying or running it: AWS's checks, then
 * the fields Statefold cannot run yet. The typed definition comes back only when no diagnostic is an ERROR;
 * `diagnostics` holds every problem, warnings included.
 */
export function parseDefinition(definition: string | unknown): {
  definition?: StateMachineDefinition;
  diagnostics: Diagnostic[];
} {
  const collected = collectDiagnostics(definition);
  const { value } = collected;
  const diagnostics =
    value === undefined ? collected.diagnostics : [...collected.diagnostics, ...findUnsupportedFields(value)];
  if (value === undefined || diagnostics.some((diagnostic) => diagnostic.severity === 'ERROR')) {
    return { diagnostics };
  }
  // Validation has checked every shape StateMachineDefinition describes.
  return { definition: value as unknown as StateMachineDefinition, diagnostics };
}
