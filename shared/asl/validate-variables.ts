import type { Diagnostic, StateMachineDefinition } from '../language/types.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import { childLocation, DiagnosticCodes, Messages, schemaError, warningDiagnostic } from './diagnostics.ts';
import { resolveLanguage } from './validate-state.ts';
import { transitionsOf } from './validate-states-block.ts';
import type { ValidationContext } from './validation-context.ts';
import {
  nestedBlocksOf,
  stateAssignments,
  stateVariableReferences,
  type VariableUse,
} from './variable-references.ts';

/**
 * Variable scopes across the machine (AWS: the ASL docs on workflow variables). Each `States` block is a scope; a Parallel
 * branch or Map iteration reads the variables of the scopes around it but must not assign one of
 * their names.
 */
export function checkVariables(ctx: ValidationContext, root: JsonObject): void {
  visitBlock(ctx, [], root, '/', { outer: new Set(), atEntry: new Set() });
}

/**
 * References to a variable that no state able to run before the reference assigns, as UNDEFINED_VARIABLE
 * warnings. Not part of `validateDefinition`: AWS accepts such a definition (LocalStack's AWS-recorded
 * `test_undefined_reference` snapshots create it and fail the execution with States.QueryEvaluationError),
 * so ValidateStateMachineDefinition reports nothing; this is for linting before a run.
 */
export function findUndefinedVariables(definition: StateMachineDefinition | JsonObject): Diagnostic[] {
  const root = definition as unknown as JsonObject;
  const ctx: ValidationContext = {
    diagnostics: [],
    machineLanguage: resolveLanguage(root, 'JSONPath'),
    stateNames: new Map(),
    labels: new Map(),
    duplicateStateKeys: new Map(),
  };
  const warnings: Diagnostic[] = [];
  visitBlock(ctx, warnings, root, '/', { outer: new Set(), atEntry: new Set() });
  return warnings;
}

interface Scope {
  /** Names assigned anywhere in the enclosing blocks. */
  outer: ReadonlySet<string>;
  /** Names that may hold a value when the block starts; undefined when it never starts. */
  atEntry: ReadonlySet<string> | undefined;
  /**
   * A Parallel branch: AWS lets it assign a name an outer scope assigns too (the branch's value stays in the
   * branch); a Map iteration may not.
   */
  branch?: boolean;
}

function visitBlock(
  ctx: ValidationContext,
  warnings: Diagnostic[],
  block: Json,
  location: string,
  scope: Scope,
): void {
  if (!isJsonObject(block) || !isJsonObject(block.States)) return;
  const states = block.States;
  const statesLocation = childLocation(location, 'States');
  const at = (name: string) => childLocation(statesLocation, name);
  const assigned = new Map<string, VariableUse[]>();
  for (const [name, state] of Object.entries(states)) {
    if (isJsonObject(state)) assigned.set(name, stateAssignments(state, languageOf(ctx, state), at(name)));
  }
  for (const uses of assigned.values()) {
    for (const use of uses) {
      if (!scope.branch && scope.outer.has(use.name)) {
        ctx.diagnostics.push(schemaError(Messages.variableInOuterScope(use.name), use.location));
      }
    }
  }
  const atEntry = scope.atEntry && assignedOnEntry(states, block.StartAt, assigned, scope.atEntry, at);
  const outer = new Set(scope.outer);
  for (const uses of assigned.values()) for (const use of uses) outer.add(use.name);
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state)) continue;
    const available = atEntry?.get(name);
    if (available) {
      for (const use of stateVariableReferences(state, languageOf(ctx, state), at(name))) {
        if (!available.has(use.name)) {
          warnings.push(
            warningDiagnostic(
              DiagnosticCodes.UndefinedVariable,
              Messages.undefinedVariable(use.name),
              use.location,
            ),
          );
        }
      }
    }
    for (const nested of nestedBlocksOf(state, at(name))) {
      const inherited = available && (nested.distributed ? new Set<string>() : available);
      visitBlock(ctx, warnings, nested.block, nested.location, {
        outer,
        atEntry: inherited,
        branch: nested.branch,
      });
    }
  }
}

function languageOf(ctx: ValidationContext, state: JsonObject) {
  return resolveLanguage(state, ctx.machineLanguage);
}

/**
 * For each state StartAt reaches, the names that may hold a value when it is entered: those of the
 * block's entry, plus any assigned by a state on some path to it. A state's own Assign takes effect
 * when it leaves, so it does not count for the state itself.
 */
function assignedOnEntry(
  states: JsonObject,
  startAt: Json | undefined,
  assigned: ReadonlyMap<string, readonly VariableUse[]>,
  initial: ReadonlySet<string>,
  at: (name: string) => string,
): Map<string, Set<string>> {
  const entry = new Map<string, Set<string>>();
  if (typeof startAt !== 'string' || !Object.hasOwn(states, startAt)) return entry;
  entry.set(startAt, new Set(initial));
  const pending = [startAt];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const leaving = new Set(entry.get(name));
    for (const use of assigned.get(name) ?? []) leaving.add(use.name);
    for (const { target } of transitionsOf(states[name] as Json, at(name))) {
      if (!Object.hasOwn(states, target)) continue;
      const known = entry.get(target);
      if (!known) {
        entry.set(target, new Set(leaving));
        pending.push(target);
        continue;
      }
      const before = known.size;
      for (const variable of leaving) known.add(variable);
      if (known.size > before) pending.push(target);
    }
  }
  return entry;
}
