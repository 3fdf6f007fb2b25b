/**
 * The registry of Task resources Step Functions recognises in its own namespace
 * (`arn:<partition>:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]`): the optimized integrations,
 * each with the actions and integration patterns AWS offers, and the AWS SDK form
 * (`aws-sdk:<service>:<action>`, request-response or `.waitForTaskToken`, never `.sync`). Validation and the
 * Task state both read this one table; what the engine can actually call is the adapters' business.
 */

export type IntegrationPattern = 'request-response' | 'sync' | 'sync:2' | 'waitForTaskToken';

const RR: IntegrationPattern = 'request-response';
const SYNC: IntegrationPattern = 'sync';
const SYNC2: IntegrationPattern = 'sync:2';
const WAIT: IntegrationPattern = 'waitForTaskToken';

/** `*` stands for any action of the service: the patterns are the service's (AWS's table of optimized integrations). */
type ActionPatterns = Readonly<Record<string, readonly IntegrationPattern[]>>;

export const OPTIMIZED_INTEGRATIONS: Readonly<Record<string, ActionPatterns>> = {
  lambda: { invoke: [RR, WAIT] },
  sqs: { sendMessage: [RR, WAIT] },
  sns: { publish: [RR, WAIT] },
  dynamodb: { getItem: [RR], putItem: [RR], updateItem: [RR], deleteItem: [RR] },
  events: { putEvents: [RR, WAIT] },
  states: { startExecution: [RR, SYNC, SYNC2, WAIT] },
  http: { invoke: [RR] },
  apigateway: { invoke: [RR, WAIT] },
  athena: { '*': [RR, SYNC] },
  batch: { '*': [RR, SYNC] },
  bedrock: { '*': [RR, SYNC, WAIT] },
  codebuild: { '*': [RR, SYNC] },
  ecs: { '*': [RR, SYNC, WAIT] },
  eks: { '*': [RR, SYNC, WAIT] },
  elasticmapreduce: { '*': [RR, SYNC] },
  'emr-containers': { '*': [RR, SYNC] },
  'emr-serverless': { '*': [RR, SYNC] },
  glue: { '*': [RR, SYNC] },
  databrew: { '*': [RR, SYNC] },
  mediaconvert: { '*': [RR, SYNC] },
  sagemaker: { '*': [RR, SYNC] },
};

/** The SDK form offers these patterns for every service and action. */
export const SDK_PATTERNS: readonly IntegrationPattern[] = [RR, WAIT];

/** A recognised integration: `sdk` for `aws-sdk:<service>:<action>`, whose `service` is the SDK's name. */
export interface ServiceResource {
  service: string;
  action: string;
  pattern: IntegrationPattern;
  sdk: boolean;
  /** What history shows: `resourceType` (`sqs`, `aws-sdk:s3`) and `resource` (`sendMessage.waitForTaskToken`). */
  resourceType: string;
  resource: string;
}

export type IntegrationResource =
  /** Not in the `states:::` namespace (a Lambda function ARN, an activity, anything else). */
  | { kind: 'other' }
  | { kind: 'integration'; integration: ServiceResource }
  /** In the namespace, but no service, action or pattern AWS offers. */
  | { kind: 'unrecognized' };

const NAMESPACE = /^arn:aws[\w-]*:states:::(.+)$/;
const SDK = /^aws-sdk:([a-z0-9]+):([a-z][A-Za-z0-9]*)$/;
const OPTIMIZED = /^([a-z][a-z0-9-]*):([A-Za-z][A-Za-z0-9]*)$/;

export function parseIntegrationResource(resource: string): IntegrationResource {
  const inNamespace = NAMESPACE.exec(resource);
  if (!inNamespace) return { kind: 'other' };
  const { base, pattern } = splitPattern(inNamespace[1] as string);
  const sdk = SDK.exec(base);
  if (sdk) {
    if (!SDK_PATTERNS.includes(pattern)) return { kind: 'unrecognized' };
    const [, service = '', action = ''] = sdk;
    return integration({ service, action, pattern, sdk: true, resourceType: `aws-sdk:${service}` });
  }
  const optimized = OPTIMIZED.exec(base);
  if (!optimized) return { kind: 'unrecognized' };
  const [, service = '', action = ''] = optimized;
  const actions = OPTIMIZED_INTEGRATIONS[service];
  const patterns = actions && (Object.hasOwn(actions, action) ? actions[action] : actions['*']);
  if (!patterns?.includes(pattern)) return { kind: 'unrecognized' };
  return integration({ service, action, pattern, sdk: false, resourceType: service });
}

/** AWS's diagnostic for a Resource it does not recognise (CreateStateMachine's SCHEMA_VALIDATION_FAILED). */
export function unrecognizedResourceMessage(resource: string): string {
  return `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`;
}

function integration(fields: Omit<ServiceResource, 'resource'>): {
  kind: 'integration';
  integration: ServiceResource;
} {
  const suffix = fields.pattern === 'request-response' ? '' : `.${fields.pattern}`;
  return { kind: 'integration', integration: { ...fields, resource: `${fields.action}${suffix}` } };
}

function splitPattern(text: string): { base: string; pattern: IntegrationPattern } {
  for (const pattern of [SYNC2, SYNC, WAIT] as const) {
    if (text.endsWith(`.${pattern}`)) return { base: text.slice(0, -pattern.length - 1), pattern };
  }
  return { base: text, pattern: RR };
}
