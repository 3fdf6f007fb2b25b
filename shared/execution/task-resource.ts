import type { TaskResource } from '../history/events.ts';
import { parseIntegrationResource } from '../language/task-resources.ts';

/**
 * What a Task's `Resource` names, and how AWS shows it in history: a legacy Lambda function ARN
 * (LambdaFunction* events), or an integration `arn:<partition>:states:::<service>:<action>[.pattern]`
 * (Task* events with resourceType = service, resource = action and pattern), or an activity ARN (Activity*
 * events). Parsed once per definition
 * (`compileMachine`), from the registry in `language/task-resources.ts`.
 */
export interface ParsedResource {
  target: TaskResource;
  resourceType: string;
  resource: string;
}

const LAMBDA_FUNCTION = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(?::[\w$-]+)?$/;
/** An activity; the name is checked by CreateActivity (a Task naming no activity fails when it is scheduled). */
export const ACTIVITY_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:activity:[^:\s]+$/;
const OTHER = /^arn:aws[\w-]*:states:[a-z0-9-]*:\d{0,12}:([\w-]+(?::[\w-]+)?):([\w.:-]+)$/;

export function parseTaskResource(resource: string): ParsedResource {
  if (LAMBDA_FUNCTION.test(resource)) {
    return { target: { kind: 'lambda-function', functionArn: resource }, resourceType: 'lambda', resource };
  }
  if (ACTIVITY_ARN.test(resource)) {
    // History shows the ARN alone (activityScheduledEventDetails.resource).
    return { target: { kind: 'activity', activityArn: resource }, resourceType: 'activity', resource };
  }
  const parsed = parseIntegrationResource(resource);
  if (parsed.kind === 'integration') {
    const { integration } = parsed;
    if (integration.service === 'lambda' && !integration.sdk) {
      return {
        target: { kind: 'lambda-invoke', waitForTaskToken: integration.pattern === 'waitForTaskToken' },
        resourceType: integration.resourceType,
        resource: integration.resource,
      };
    }
    return {
      target: {
        kind: 'service',
        service: integration.service,
        action: integration.action,
        pattern: integration.pattern,
        sdk: integration.sdk,
      },
      resourceType: integration.resourceType,
      resource: integration.resource,
    };
  }
  const other = OTHER.exec(resource);
  if (other) {
    const [, service = '', action = ''] = other;
    return { target: { kind: 'unsupported', resource }, resourceType: service, resource: action };
  }
  return { target: { kind: 'unsupported', resource }, resourceType: 'unknown', resource };
}
