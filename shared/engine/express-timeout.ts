import type { StateMachineDefinition } from '../language/types.ts';

/** An Express execution runs at most five minutes (AWS: the Step Functions quotas), whatever its definition's TimeoutSeconds. */
export const EXPRESS_MAX_SECONDS = 300;

/** The definition an EXPRESS execution runs: its TimeoutSeconds, if any, within the five minutes. */
export function withExpressTimeout(definition: StateMachineDefinition): StateMachineDefinition {
  const timeout = definition.TimeoutSeconds;
  return timeout !== undefined && timeout <= EXPRESS_MAX_SECONDS
    ? definition
    : { ...definition, TimeoutSeconds: EXPRESS_MAX_SECONDS };
}
