import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ALLOWED_HOST_PATTERN } from '../shared/engine/environment-names.ts';

/**
 * What a deployment can change, each with its default. Values come from the stack's props, then CDK context
 * (`npx cdk deploy -c retentionDays=30`, or `context` in cdk.json), then the defaults below. Context given on the
 * command line is always a string, so every reader accepts the string form as well as the JSON one.
 */

export const HANDLER_NAMES = ['api', 'step', 'task', 'timer', 'reconcile'] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** Lambda's application log levels (advanced logging controls, JSON log format). */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const REMOVAL_POLICIES = ['retain', 'destroy'] as const;
export type TableRemovalPolicy = (typeof REMOVAL_POLICIES)[number];

export interface HandlerSettings {
  memorySize: number;
  /** Reserved concurrency; undefined leaves the function on the account's unreserved pool. */
  reservedConcurrency?: number;
}

export interface StatefoldConfig {
  /** Days a closed execution is kept before DynamoDB's TTL may delete it. */
  retentionDays: number;
  logLevel: LogLevel;
  /** Days CloudWatch Logs keeps the handlers' logs (one of CloudWatch's allowed values). */
  logRetentionDays: number;
  handlers: Record<HandlerName, HandlerSettings>;
  /** Functions the task and API handlers may invoke; undefined: every function of the stack's account and region. */
  allowedFunctionArns?: string[];
  /** SNS topic every alarm notifies; undefined: alarms without actions. */
  alarmTopicArn?: string;
  /**
   * What Task states' service integrations may reach, one list per service (nothing by default): the tables
   * of dynamodb:getItem/putItem/updateItem/deleteItem, the queues of sqs:sendMessage, the topics of
   * sns:publish, the event buses of events:putEvents, and for the AWS SDK form (`aws-sdk:<service>:<action>`)
   * IAM actions with their resources.
   */
  integrations: IntegrationGrants;
  /** What `cdk destroy` (or removing the table from the stack) does to the table: keep it, or delete it. */
  removalPolicy: TableRemovalPolicy;
}

export interface IntegrationGrants {
  tableArns: string[];
  queueArns: string[];
  topicArns: string[];
  eventBusArns: string[];
  /** `aws-sdk:*` calls: each an IAM action (`s3:GetObject`) on one resource ARN (wildcards allowed). */
  sdkCalls: Array<{ action: string; resource: string }>;
  /** EventBridge connections HTTP Tasks sign with (their credentials and their secrets may be read). */
  connectionArns: string[];
  /** Hosts HTTP Tasks may call (`api.example.com`, `api.example.com:8443`, `*.example.com`). */
  httpAllowedHosts: string[];
}

export const DEFAULT_CONFIG: StatefoldConfig = {
  retentionDays: 90,
  logLevel: 'INFO',
  logRetentionDays: 30,
  // 128 MB is what the README's cost figures assume for the queue handlers; the API parses and validates
  // definitions and runs StartSyncExecution inline, so it gets more CPU.
  handlers: {
    api: { memorySize: 256 },
    step: { memorySize: 128 },
    task: { memorySize: 128 },
    timer: { memorySize: 128 },
    // A sweep replays every running execution's tail.
    reconcile: { memorySize: 256 },
  },
  removalPolicy: 'retain',
  integrations: {
    tableArns: [],
    queueArns: [],
    topicArns: [],
    eventBusArns: [],
    sdkCalls: [],
    connectionArns: [],
    httpAllowedHosts: [],
  },
};

/** The context keys, as a user types them. */
export const CONTEXT_KEYS = {
  retentionDays: 'retentionDays',
  logLevel: 'logLevel',
  logRetentionDays: 'logRetentionDays',
  allowedFunctionArns: 'allowedFunctionArns',
  alarmTopicArn: 'alarmTopicArn',
  removalPolicy: 'removalPolicy',
  allowedTableArns: 'allowedTableArns',
  allowedQueueArns: 'allowedQueueArns',
  allowedTopicArns: 'allowedTopicArns',
  allowedEventBusArns: 'allowedEventBusArns',
  allowedSdkCalls: 'allowedSdkCalls',
  allowedConnectionArns: 'allowedConnectionArns',
  httpAllowedHosts: 'httpAllowedHosts',
  memorySize: (handler: HandlerName) => `${handler}MemorySize`,
  reservedConcurrency: (handler: HandlerName) => `${handler}ReservedConcurrency`,
} as const;

export type ConfigOverrides = Partial<Omit<StatefoldConfig, 'handlers' | 'integrations'>> & {
  handlers?: Partial<Record<HandlerName, Partial<HandlerSettings>>>;
  integrations?: Partial<IntegrationGrants>;
};

/** Reads one context value; undefined when it is not set. `node.tryGetContext` has this shape. */
export type ReadContext = (key: string) => unknown;

/** Lambda's memory range (MB) and CloudWatch's retention choices. */
const MEMORY_RANGE = { min: 128, max: 10_240 } as const;
const LOG_RETENTION_CHOICES: readonly number[] = Object.values(RetentionDays).filter(
  (value): value is number => typeof value === 'number',
);

export function resolveStackConfig(
  overrides: ConfigOverrides = {},
  readContext: ReadContext = () => undefined,
): StatefoldConfig {
  const pick = <T>(
    key: string,
    override: T | undefined,
    parse: (value: unknown, key: string) => T,
  ): T | undefined => {
    if (override !== undefined) return override;
    const value = readContext(key);
    return value === undefined || value === '' ? undefined : parse(value, key);
  };
  const handlers = {} as Record<HandlerName, HandlerSettings>;
  for (const name of HANDLER_NAMES) {
    const override = overrides.handlers?.[name] ?? {};
    const memorySize =
      pick(CONTEXT_KEYS.memorySize(name), override.memorySize, readMemorySize) ??
      DEFAULT_CONFIG.handlers[name].memorySize;
    const reservedConcurrency = pick(
      CONTEXT_KEYS.reservedConcurrency(name),
      override.reservedConcurrency,
      readNonNegativeInteger,
    );
    handlers[name] = { memorySize, ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }) };
  }
  const allowedFunctionArns = pick(
    CONTEXT_KEYS.allowedFunctionArns,
    overrides.allowedFunctionArns,
    readFunctionArns,
  );
  const alarmTopicArn = pick(CONTEXT_KEYS.alarmTopicArn, overrides.alarmTopicArn, readTopicArn);
  const grants = overrides.integrations ?? {};
  const arnsOf = (key: string, override: string[] | undefined, service: string, what: string) =>
    pick(key, override, (value, k) => readResourceArns(value, k, service, what)) ?? [];
  const integrations: IntegrationGrants = {
    tableArns: arnsOf(CONTEXT_KEYS.allowedTableArns, grants.tableArns, 'dynamodb', 'DynamoDB table'),
    queueArns: arnsOf(CONTEXT_KEYS.allowedQueueArns, grants.queueArns, 'sqs', 'SQS queue'),
    topicArns: arnsOf(CONTEXT_KEYS.allowedTopicArns, grants.topicArns, 'sns', 'SNS topic'),
    eventBusArns: arnsOf(
      CONTEXT_KEYS.allowedEventBusArns,
      grants.eventBusArns,
      'events',
      'EventBridge event bus',
    ),
    sdkCalls: pick(CONTEXT_KEYS.allowedSdkCalls, grants.sdkCalls, readSdkCalls) ?? [],
    connectionArns: pick(CONTEXT_KEYS.allowedConnectionArns, grants.connectionArns, readConnectionArns) ?? [],
    httpAllowedHosts: pick(CONTEXT_KEYS.httpAllowedHosts, grants.httpAllowedHosts, readAllowedHosts) ?? [],
  };
  const config: StatefoldConfig = {
    retentionDays:
      pick(CONTEXT_KEYS.retentionDays, overrides.retentionDays, readPositiveInteger) ??
      DEFAULT_CONFIG.retentionDays,
    logLevel: pick(CONTEXT_KEYS.logLevel, overrides.logLevel, readLogLevel) ?? DEFAULT_CONFIG.logLevel,
    logRetentionDays:
      pick(CONTEXT_KEYS.logRetentionDays, overrides.logRetentionDays, readLogRetention) ??
      DEFAULT_CONFIG.logRetentionDays,
    handlers,
    removalPolicy:
      pick(CONTEXT_KEYS.removalPolicy, overrides.removalPolicy, readRemovalPolicy) ??
      DEFAULT_CONFIG.removalPolicy,
    integrations,
    ...(allowedFunctionArns === undefined ? {} : { allowedFunctionArns }),
    ...(alarmTopicArn === undefined ? {} : { alarmTopicArn }),
  };
  return config;
}

function invalid(key: string, value: unknown, expected: string): Error {
  return new Error(`Statefold stack: context value ${key}=${JSON.stringify(value)} is not ${expected}`);
}

function readInteger(value: unknown, key: string, min: number, max: number, expected: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw invalid(key, value, expected);
  }
  return number;
}

function readPositiveInteger(value: unknown, key: string): number {
  return readInteger(value, key, 1, Number.MAX_SAFE_INTEGER, 'a whole number of at least 1');
}

function readNonNegativeInteger(value: unknown, key: string): number {
  return readInteger(value, key, 0, Number.MAX_SAFE_INTEGER, 'a whole number of at least 0');
}

function readMemorySize(value: unknown, key: string): number {
  return readInteger(
    value,
    key,
    MEMORY_RANGE.min,
    MEMORY_RANGE.max,
    `a memory size in MB from ${MEMORY_RANGE.min} to ${MEMORY_RANGE.max}`,
  );
}

function readLogRetention(value: unknown, key: string): number {
  const days = readPositiveInteger(value, key);
  if (!LOG_RETENTION_CHOICES.includes(days)) {
    throw invalid(
      key,
      value,
      `one of CloudWatch Logs' retention periods (${LOG_RETENTION_CHOICES.join(', ')})`,
    );
  }
  return days;
}

function readChoice<T extends string>(
  choices: readonly T[],
  value: unknown,
  key: string,
  normalize: (s: string) => string,
): T {
  const found = typeof value === 'string' ? choices.find((choice) => choice === normalize(value)) : undefined;
  if (found === undefined) throw invalid(key, value, `one of ${choices.join(', ')}`);
  return found;
}

function readLogLevel(value: unknown, key: string): LogLevel {
  return readChoice(LOG_LEVELS, value, key, (s) => s.toUpperCase());
}

function readRemovalPolicy(value: unknown, key: string): TableRemovalPolicy {
  return readChoice(REMOVAL_POLICIES, value, key, (s) => s.toLowerCase());
}

/** A list: a JSON array (cdk.json), or one string of comma-separated ARNs (the command line). */
function readFunctionArns(value: unknown, key: string): string[] {
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(items) || items.length === 0)
    throw invalid(key, value, 'a list of Lambda function ARNs');
  return items.map((item) => {
    if (typeof item !== 'string' || !FUNCTION_ARN.test(item)) {
      throw invalid(
        key,
        value,
        'a list of Lambda function ARNs (arn:<partition>:lambda:<region>:<account>:function:<name>)',
      );
    }
    return item;
  });
}

function readTopicArn(value: unknown, key: string): string {
  if (typeof value !== 'string' || !TOPIC_ARN.test(value)) {
    throw invalid(key, value, 'an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<name>)');
  }
  return value;
}

/** A list of one service's resource ARNs: a JSON array, or comma-separated (IAM wildcards allowed). */
function readResourceArns(value: unknown, key: string, service: string, what: string): string[] {
  const pattern = new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9*-]*:[0-9*]*:\\S+$`);
  return readStringList(
    value,
    key,
    pattern,
    `a list of ${what} ARNs (arn:<partition>:${service}:<region>:<account>:…)`,
  );
}

/** A context value that lists strings (a JSON array, or text split at commas): at least one, each matching `pattern`. */
function readStringList(value: unknown, key: string, pattern: RegExp, expected: string): string[] {
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (
    !Array.isArray(items) ||
    items.length === 0 ||
    !items.every((item) => typeof item === 'string' && pattern.test(item))
  ) {
    throw invalid(key, value, expected);
  }
  return items as string[];
}

/** EventBridge connection ARNs (`arn:aws:events:<region>:<account>:connection/<name>/<id>`, wildcards allowed). */
function readConnectionArns(value: unknown, key: string): string[] {
  const arns = readResourceArns(value, key, 'events', 'EventBridge connection');
  if (!arns.every((arn) => CONNECTION_ARN.test(arn))) {
    throw invalid(
      key,
      value,
      'a list of EventBridge connection ARNs (arn:<partition>:events:<region>:<account>:connection/<name>/<id>)',
    );
  }
  return arns;
}

/** Host names HTTP Tasks may call: a JSON array, or comma-separated. */
function readAllowedHosts(value: unknown, key: string): string[] {
  return readStringList(
    value,
    key,
    ALLOWED_HOST_PATTERN,
    'a list of host names (api.example.com, api.example.com:8443, *.example.com)',
  );
}

/** `<service>:<Action>=<resource ARN>` entries: a JSON array of them, or comma-separated. */
function readSdkCalls(value: unknown, key: string): Array<{ action: string; resource: string }> {
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  const expected = 'a list of <service>:<Action>=<resource ARN> entries (s3:GetObject=arn:aws:s3:::bucket/*)';
  if (!Array.isArray(items) || items.length === 0) throw invalid(key, value, expected);
  return items.map((item) => {
    const found =
      typeof item === 'string' ? /^([a-z0-9-]+:[A-Za-z0-9*]+)=(arn:aws[a-z-]*:\S+|\*)$/.exec(item) : null;
    if (!found) throw invalid(key, value, expected);
    return { action: found[1] as string, resource: found[2] as string };
  });
}

// Wildcards are allowed in the region, account and name parts: they are IAM resource patterns.
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9*-]+:[0-9*]+:function:[A-Za-z0-9_*?:$.-]+$/;
const CONNECTION_ARN =
  /^arn:aws[a-z-]*:events:[a-z0-9*-]+:[0-9*]+:connection\/[A-Za-z0-9_.*-]+(\/[A-Za-z0-9*-]+)?$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/;
