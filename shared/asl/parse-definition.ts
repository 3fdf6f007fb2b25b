import type { Diagnostic, StateMachineDefinition } from '../language/types.ts';
import { collectDiagnostics } from './validate-definition.ts';

export { formatInvalidDefinition } from './diagnostics.ts';

/**
 * Parses and validates a definition (JSON text or parsed value). The typed definition comes back only
 * when no diagnostic is an ERROR; `diagnostics` holds every problem, warnings included.
 */
export function parseDefinition(definition: string | unknown): {
  definition?: StateMachineDefinition;
  diagnostics: Diagnostic[];
} {
  const { value, diagnostics } = collectDiagnostics(definition);
  if (value === undefined || diagnostics.some((diagnostic) => diagnostic.severity === 'ERROR')) {
    return { diagnostics };
  }
  // Validation has checked every shape StateMachineDefinition describes.
  return { definition: value as unknown as StateMachineDefinition, diagnostics };
}
