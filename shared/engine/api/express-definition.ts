import { childLocation, schemaError } from '../../asl/diagnostics.ts';
import { formatInvalidDefinition } from '../../asl/parse-definition.ts';
import { nestedBlocksOf } from '../../asl/variable-references.ts';
import type { Diagnostic } from '../../language/types.ts';
import { isJsonObject, type Json, type JsonObject } from '../../lib/json.ts';
import { EngineError } from '../engine-error.ts';

/**
 * What EXPRESS state machines may not hold, checked when one is created or updated: callbacks
 * (`.waitForTaskToken`), `.sync` integrations and activities. Messages are AWS's, quoted from LocalStack's
 * AWS-recorded `test_sfn_api_express.snapshot.json` (the double space before "at" in the first is AWS's).
 */
const EXPRESS_RESTRICTIONS: ReadonlyArray<{ applies: (resource: string) => boolean; message: string }> = [
  {
    applies: (resource) => resource.endsWith('.waitForTaskToken'),
    message: "Express state machine does not support '.waitForTaskToken' service integration ",
  },
  {
    applies: (resource) => /\.sync(:\d+)?$/.test(resource),
    message: "Express state machine does not support '.sync' service integration",
  },
  {
    applies: (resource) => /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:activity:/.test(resource),
    message: 'Express state machine does not support Activity ARN',
  },
];

export interface TaskStateLocation {
  name: string;
  /** Where the state sits in the definition, AWS style: `/States/P/Branches[0]/States/T`. */
  location: string;
  resource: Json | undefined;
}

/** Every Task state of a parsed definition, nested ones (Parallel branches, Map processors) included. */
export function findTaskStates(definition: Json): TaskStateLocation[] {
  const found: TaskStateLocation[] = [];
  const visit = (block: JsonObject, at: string) => {
    const states = block.States;
    if (!isJsonObject(states)) return;
    for (const [name, state] of Object.entries(states)) {
      if (!isJsonObject(state)) continue;
      const location = childLocation(childLocation(at, 'States'), name);
      if (state.Type === 'Task') found.push({ name, location, resource: state.Resource });
      for (const nested of nestedBlocksOf(state, location)) visit(nested.block, nested.location);
    }
  };
  if (isJsonObject(definition)) visit(definition, '/');
  return found;
}

/** The EXPRESS restrictions a definition text breaks, as diagnostics (none when the text is not JSON). */
export function findExpressProblems(definition: string): Diagnostic[] {
  let parsed: Json;
  try {
    parsed = JSON.parse(definition) as Json;
  } catch {
    return [];
  }
  const problems: Diagnostic[] = [];
  for (const task of findTaskStates(parsed)) {
    if (typeof task.resource !== 'string') continue;
    const resource = task.resource;
    const broken = EXPRESS_RESTRICTIONS.find((restriction) => restriction.applies(resource));
    if (broken) problems.push(schemaError(broken.message, childLocation(task.location, 'Resource')));
  }
  return problems;
}

/** CreateStateMachine / UpdateStateMachine of an EXPRESS machine: InvalidDefinition for what it may not run. */
export function checkExpressDefinition(definition: string): void {
  const problems = findExpressProblems(definition);
  if (problems.length > 0) {
    throw new EngineError('InvalidDefinition', formatInvalidDefinition(problems), { diagnostics: problems });
  }
}
