/**
 * The environment the handlers read on AWS (the CDK stack sets it). Endpoints come from the AWS SDK's own
 * variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_LAMBDA) when set.
 */
export const ENVIRONMENT = {
  table: 'STATEFOLD_TABLE',
  transitionsQueueUrl: 'STATEFOLD_TRANSITIONS_QUEUE_URL',
  tasksQueueUrl: 'STATEFOLD_TASKS_QUEUE_URL',
  timersQueueUrl: 'STATEFOLD_TIMERS_QUEUE_URL',
  accountId: 'STATEFOLD_ACCOUNT_ID',
  /** Days a closed execution is kept before DynamoDB's TTL may delete it (unset: kept forever). */
  retentionDays: 'STATEFOLD_RETENTION_DAYS',
  /** The transitions queue's maxReceiveCount: the step handler fails an execution on a message's last try. */
  maxReceiveCount: 'STATEFOLD_MAX_RECEIVE_COUNT',
  /** Seconds GetActivityTask holds a poll (the API handler must answer within API Gateway's 30 s). */
  activityPollSeconds: 'STATEFOLD_ACTIVITY_POLL_SECONDS',
  /** The queue a queue handler is fed from: it takes no event from anywhere else (a direct Invoke, say). */
  eventSourceArn: 'STATEFOLD_EVENT_SOURCE_ARN',
  /** The hosts HTTP Tasks may call, comma-separated (the stack context's httpAllowedHosts; unset: none). */
  httpAllowedHosts: 'STATEFOLD_HTTP_ALLOWED_HOSTS',
} as const;

/**
 * An entry of the HTTP Tasks' host allow-list (STATEFOLD_HTTP_ALLOWED_HOSTS, the stack's httpAllowedHosts, the
 * local config's integrations.http.allowedHosts): `api.example.com`, `api.example.com:8443`, `*.example.com`,
 * `[::1]:8080`.
 */
export const ALLOWED_HOST_PATTERN =
  /^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

/**
 * GetActivityTask's poll on AWS: API Gateway's HTTP API waits at most 30 s for the API function (29 s timeout),
 * so the deployed API holds a poll for 20 s rather than AWS's 60 s; workers simply poll again.
 */
export const DEPLOYED_ACTIVITY_POLL_SECONDS = 20;

/** The reconciler's CloudWatch metrics (embedded metric format in its log), which the stack's alarms watch. */
export const RECONCILER_NAMESPACE = 'Statefold';
export const RECONCILER_METRICS = {
  checked: 'ReconcilerExecutionsChecked',
  resent: 'ReconcilerExecutionsResent',
  failed: 'ReconcilerExecutionsFailed',
  closed: 'ReconcilerExecutionsClosed',
  forgotten: 'ReconcilerStartsForgotten',
} as const;

/** Receives of one transition before SQS moves it to the dead-letter queue (the CDK stack and local mode use it). */
export const DEFAULT_MAX_RECEIVE_COUNT = 5;
