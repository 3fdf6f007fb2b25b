import type { ExecutionInfo, ParentLink } from '../history/events.ts';
import type { StateMachineDefinition } from '../language/types.ts';
import { InvariantError } from '../lib/invariant-error.ts';

/** A Distributed Map's children run its ItemProcessor as a state machine of its own. */
export function childDefinition(
  definition: StateMachineDefinition,
  mapState: string,
): StateMachineDefinition {
  const find = (states: StateMachineDefinition['States']): StateMachineDefinition | undefined => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Map') {
        const processor = state.ItemProcessor ?? state.Iterator;
        if (name === mapState && processor) {
          return {
            StartAt: processor.StartAt,
            States: processor.States,
            ...(definition.QueryLanguage ? { QueryLanguage: definition.QueryLanguage } : {}),
          };
        }
        if (processor) {
          const found = find(processor.States);
          if (found) return found;
        }
      }
      if (state.Type === 'Parallel') {
        for (const branch of state.Branches) {
          const found = find(branch.States);
          if (found) return found;
        }
      }
    }
    return undefined;
  };
  const found = find(definition.States);
  if (!found) throw new InvariantError(`Map state '${mapState}' is not in the definition`);
  return found;
}

export function childInfo(
  info: ExecutionInfo,
  mapRunArn: string,
  name: string,
  start: number,
  mapState: string,
  parent?: ParentLink,
): ExecutionInfo {
  const label = mapRunArn.split(':')[6]?.split('/')[1] ?? 'Map';
  const prefix = `arn:aws:states:${info.region}:${info.accountId}`;
  return {
    executionArn: `${prefix}:execution:${info.stateMachineName}/${label}:${name}`,
    name,
    stateMachineArn: `${prefix}:stateMachine:${info.stateMachineName}/${label}`,
    stateMachineName: `${info.stateMachineName}/${label}`,
    roleArn: info.roleArn,
    region: info.region,
    accountId: info.accountId,
    startTime: start,
    mapRunArn,
    ...(info.source ? { source: { ...info.source, mapState } } : {}),
    ...(parent ? { parent } : {}),
    // A mocked test case's child runs answer from the same case.
    ...(info.mockCase ? { mockCase: info.mockCase } : {}),
  };
}
