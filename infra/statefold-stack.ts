import { join } from 'node:path';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  RecursiveLoop,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  DEFAULT_MAX_RECEIVE_COUNT,
  DEPLOYED_ACTIVITY_POLL_SECONDS,
  ENVIRONMENT,
  RECONCILER_METRICS,
  RECONCILER_NAMESPACE,
} from '../shared/engine/environment-names.ts';
import { assertNever } from '../shared/lib/assert-never.ts';
import {
  type ConfigOverrides,
  HANDLER_NAMES,
  type HandlerName,
  resolveStackConfig,
  type StatefoldConfig,
} from './stack-config.ts';
import { tablePropsFromLayout } from './table-props.ts';

/**
 * Statefold in one AWS account: the event log table, the three queues (each with a dead-letter queue), the four
 * Lambda handlers, the Step Functions API behind an HTTP API with IAM authorization, and alarms.
 */

export const QUEUE_NAMES = ['transitions', 'tasks', 'timers'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Not in ENVIRONMENT yet: the engine does not write the TTL attribute yet (see README "Deploy to AWS"). */
export const RETENTION_DAYS_VARIABLE = 'STATEFOLD_RETENTION_DAYS';

const PROJECT_ROOT = join(import.meta.dirname, '..');

interface HandlerSpec {
  timeoutSeconds: number;
  description: string;
  /** Fed by a queue it (or a handler it feeds) sends to: Lambda's recursive loop detection would stop it. */
  inLoop: boolean;
}

const HANDLERS: Record<HandlerName, HandlerSpec> = {
  // API Gateway's HTTP API waits at most 30 s for an integration.
  api: { timeoutSeconds: 29, description: 'Statefold: the Step Functions API', inLoop: false },
  step: { timeoutSeconds: 60, description: 'Statefold: applies one transition per message', inLoop: true },
  // A task is a Lambda Invoke (up to 15 minutes) or a whole EXPRESS execution (up to 5 minutes).
  task: { timeoutSeconds: 900, description: 'Statefold: runs task requests', inLoop: true },
  timer: { timeoutSeconds: 30, description: 'Statefold: fires or re-arms timers', inLoop: true },
  // One sweep over the running executions, every RECONCILE_RATE.
  reconcile: {
    timeoutSeconds: 300,
    description: 'Statefold: finds stuck executions, sends their messages again or fails them',
    inLoop: false,
  },
};

/** How often the reconciler sweeps (its quiet time is 5 minutes: shared/engine/reconcile.ts). */
const RECONCILE_RATE = Duration.minutes(5);

interface QueueSpec {
  fifo: boolean;
  consumer: HandlerName;
  /** ApproximateAgeOfOldestMessage above this raises the queue's backlog alarm. */
  oldestMessageAlarmSeconds: number;
}

const QUEUES: Record<QueueName, QueueSpec> = {
  // One message group per execution: its steps apply one at a time, in order.
  transitions: { fifo: true, consumer: 'step', oldestMessageAlarmSeconds: 300 },
  // A task message stays in flight while its Lambda runs (up to 900 s).
  tasks: { fifo: false, consumer: 'task', oldestMessageAlarmSeconds: 1800 },
  // Timers wait on the queue with DelaySeconds up to 900 s before a hop.
  timers: { fifo: false, consumer: 'timer', oldestMessageAlarmSeconds: 1800 },
};

type TableAccess = 'none' | 'readWrite' | 'readWriteAndList';

interface HandlerAccess {
  table: TableAccess;
  sendsTo: readonly QueueName[];
  /** Lambda Invoke on the allowed function ARNs (Task states, inline EXPRESS runs). */
  invokesFunctions: boolean;
  /** Service integrations' calls on the resources the context allows (Task states, inline EXPRESS runs). */
  callsServices: boolean;
}

/**
 * What each handler's code does (shared/engine): a commit's outbox may hold transitions, task requests and
 * timers, and the API (StartExecution, StopExecution), the step handler and the task handler (a nested
 * execution's start) send outboxes; the task handler reports results as transitions; the timer handler forwards due timers and re-arms early ones.
 */
const ACCESS: Record<HandlerName, HandlerAccess> = {
  api: {
    table: 'readWriteAndList',
    sendsTo: ['transitions', 'tasks', 'timers'],
    invokesFunctions: true,
    callsServices: true,
  },
  step: {
    table: 'readWrite',
    sendsTo: ['transitions', 'tasks', 'timers'],
    invokesFunctions: false,
    callsServices: false,
  },
  // A nested execution (states:startExecution) starts here: its first commit's outbox may hold tasks and timers.
  // A ResultWriter lists its Map Run's children here: their entries in the table, then (children listed as heads
  // before entries existed) the byMachine index.
  task: {
    table: 'readWriteAndList',
    sendsTo: ['transitions', 'tasks', 'timers'],
    invokesFunctions: true,
    callsServices: true,
  },
  timer: { table: 'none', sendsTo: ['transitions', 'timers'], invokesFunctions: false, callsServices: false },
  // Lists running executions (the indexes), replays them, appends a failure, closes heads, re-sends outboxes.
  reconcile: {
    table: 'readWriteAndList',
    sendsTo: ['transitions', 'tasks', 'timers'],
    invokesFunctions: false,
    callsServices: false,
  },
};

/** The DynamoDB requests of shared/eventlog/dynamo-event-log.ts (GetItem, Query, PutItem, UpdateItem, DeleteItem). */
const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'];
const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
/** Lambda's event source mapping polls at most 10 messages per batch from a FIFO queue. */
const BATCH_SIZE = 10;
/** Lambda's guidance: a source queue's visibility timeout at least six times the function's timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;
/** SQS's longest retention: a message waiting on a broken handler or in a DLQ is kept as long as SQS can. */
const MESSAGE_RETENTION = Duration.days(14);

export interface StatefoldStackProps extends StackProps {
  /** Overrides CDK context, which overrides the defaults (stack-config.ts). */
  config?: ConfigOverrides;
}

export class StatefoldStack extends Stack {
  readonly config: StatefoldConfig;
  readonly table: TableV2;
  readonly queues: Record<QueueName, Queue>;
  readonly deadLetterQueues: Record<QueueName, Queue>;
  readonly handlers: Record<HandlerName, NodejsFunction>;
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: StatefoldStackProps = {}) {
    super(scope, id, props);
    const config = resolveStackConfig(props.config, (key) => this.node.tryGetContext(key));
    this.config = config;

    this.table = new TableV2(this, 'EventLog', {
      ...tablePropsFromLayout(),
      removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const queues = {} as Record<QueueName, Queue>;
    const deadLetterQueues = {} as Record<QueueName, Queue>;
    for (const name of QUEUE_NAMES) {
      const { main, deadLetter } = this.#createQueue(name);
      queues[name] = main;
      deadLetterQueues[name] = deadLetter;
    }
    this.queues = queues;
    this.deadLetterQueues = deadLetterQueues;

    const environment: Record<string, string> = {
      [ENVIRONMENT.table]: this.table.tableName,
      [ENVIRONMENT.transitionsQueueUrl]: queues.transitions.queueUrl,
      [ENVIRONMENT.tasksQueueUrl]: queues.tasks.queueUrl,
      [ENVIRONMENT.timersQueueUrl]: queues.timers.queueUrl,
      [ENVIRONMENT.accountId]: this.account,
      [ENVIRONMENT.maxReceiveCount]: String(DEFAULT_MAX_RECEIVE_COUNT),
      // GetActivityTask answers within the API function's 29 s (API Gateway waits 30 s at most).
      [ENVIRONMENT.activityPollSeconds]: String(DEPLOYED_ACTIVITY_POLL_SECONDS),
      [RETENTION_DAYS_VARIABLE]: String(config.retentionDays),
      ...(config.integrations.httpAllowedHosts.length > 0
        ? { [ENVIRONMENT.httpAllowedHosts]: config.integrations.httpAllowedHosts.join(',') }
        : {}),
      // Stack traces through the minified bundles point at the TypeScript sources.
      NODE_OPTIONS: '--enable-source-maps',
    };
    const handlers = {} as Record<HandlerName, NodejsFunction>;
    for (const name of HANDLER_NAMES) handlers[name] = this.#createHandler(name, environment);
    this.handlers = handlers;
    this.#denyInvokingHandlers(handlers);

    for (const name of QUEUE_NAMES) {
      // The handler takes events of this queue only (a direct Invoke of it is refused).
      handlers[QUEUES[name].consumer].addEnvironment(ENVIRONMENT.eventSourceArn, queues[name].queueArn);
      handlers[QUEUES[name].consumer].addEventSource(
        new SqsEventSource(queues[name], { batchSize: BATCH_SIZE, reportBatchItemFailures: true }),
      );
    }

    new Rule(this, 'ReconcileSchedule', {
      description: 'Statefold: the reconciler sweeps the running executions',
      schedule: Schedule.rate(RECONCILE_RATE),
      targets: [new LambdaFunction(handlers.reconcile, { retryAttempts: 0 })],
    });

    this.api = new HttpApi(this, 'Api', {
      description: 'Statefold: the AWS Step Functions API (JSON 1.0, POST /), SigV4 for execute-api',
      // Every route, present and future, needs SigV4-signed requests from an IAM principal.
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    this.api.addRoutes({
      path: '/',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('ApiIntegration', handlers.api),
      authorizer: new HttpIamAuthorizer(),
    });

    this.#createAlarms();
    this.#createOutputs();
  }

  #createQueue(name: QueueName): { main: Queue; deadLetter: Queue } {
    const spec = QUEUES[name];
    const id = capitalize(name);
    const fifo = spec.fifo ? { fifo: true } : {};
    const deadLetter = new Queue(this, `${id}DeadLetterQueue`, {
      ...fifo,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: MESSAGE_RETENTION,
    });
    const main = new Queue(this, `${id}Queue`, {
      ...fifo,
      // Deduplication ids are explicit (derived from the commit that sent the message), never the body's hash.
      // High-throughput FIFO: the limit is per message group (one execution), not per queue.
      ...(spec.fifo
        ? {
            contentBasedDeduplication: false,
            deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
            fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
          }
        : {}),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: MESSAGE_RETENTION,
      visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * HANDLERS[spec.consumer].timeoutSeconds),
      deadLetterQueue: { queue: deadLetter, maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT },
    });
    return { main, deadLetter };
  }

  #createHandler(name: HandlerName, environment: Record<string, string>): NodejsFunction {
    const spec = HANDLERS[name];
    const settings = this.config.handlers[name];
    const id = capitalize(name);
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: this.config.logRetentionDays as RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A role of our own: the default one carries AWSLambdaBasicExecutionRole, which allows logs:* on `*`.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Statefold ${name} handler`,
    });
    logGroup.grantWrite(role);
    for (const statement of this.#statementsFor(ACCESS[name])) role.addToPrincipalPolicy(statement);

    return new NodejsFunction(this, `${id}Function`, {
      entry: join(PROJECT_ROOT, 'functions', `${name}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: settings.memorySize,
      timeout: Duration.seconds(spec.timeoutSeconds),
      ...(settings.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: settings.reservedConcurrency }),
      environment,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[this.config.logLevel],
      // step → transitions → step is the engine's design, as is timer → timers → timer for long waits.
      ...(spec.inLoop ? { recursiveLoop: RecursiveLoop.ALLOW } : {}),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The nodejs24.x runtime ships the AWS SDK for JavaScript v3.
        externalModules: ['@aws-sdk/*'],
        // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
        banner:
          "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
  }

  /**
   * The roles that invoke Task states' functions may, by default, invoke every function of the account, and
   * so Statefold's own handlers: a definition's Task could hand the step or timer handler a forged event.
   * An explicit Deny on the handlers' ARNs (and their versions and aliases) wins over any Allow, whatever
   * `allowedFunctionArns` says. It is a policy of its own, so the functions need not wait for it (their
   * ARNs are in it) and no dependency cycle forms.
   */
  #denyInvokingHandlers(handlers: Record<HandlerName, NodejsFunction>): void {
    const own = HANDLER_NAMES.flatMap((name) => [
      handlers[name].functionArn,
      `${handlers[name].functionArn}:*`,
    ]);
    for (const name of HANDLER_NAMES) {
      const role = handlers[name].role;
      if (!ACCESS[name].invokesFunctions || role === undefined) continue;
      new Policy(this, `${capitalize(name)}DenyStatefoldHandlers`, {
        roles: [role],
        statements: [
          new PolicyStatement({
            effect: Effect.DENY,
            actions: ['lambda:InvokeFunction', 'lambda:InvokeAsync'],
            resources: own,
          }),
        ],
      });
    }
  }

  #statementsFor(access: HandlerAccess): PolicyStatement[] {
    const statements: PolicyStatement[] = [];
    const tableArn = this.table.tableArn;
    switch (access.table) {
      case 'none':
        break;
      case 'readWrite':
        statements.push(
          new PolicyStatement({
            actions: [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
            resources: [tableArn],
          }),
        );
        break;
      case 'readWriteAndList':
        statements.push(
          new PolicyStatement({
            actions: [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
            resources: [tableArn],
          }),
          // Listings (ListExecutions, ListStateMachines) query the two indexes, named one by one.
          new PolicyStatement({
            actions: ['dynamodb:Query'],
            resources: tablePropsFromLayout().globalSecondaryIndexes.map(
              (index) => `${tableArn}/index/${index.indexName}`,
            ),
          }),
        );
        break;
      default:
        return assertNever(access.table, 'table access');
    }
    if (access.sendsTo.length > 0) {
      statements.push(
        new PolicyStatement({
          // SendMessageBatch is authorized as sqs:SendMessage.
          actions: ['sqs:SendMessage'],
          resources: access.sendsTo.map((queue) => this.queues[queue].queueArn),
        }),
      );
    }
    if (access.invokesFunctions) {
      statements.push(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: this.allowedFunctionArns() }),
      );
    }
    if (access.callsServices) statements.push(...this.#integrationStatements());
    return statements;
  }

  /**
   * Task states' service integrations reach only what the context names: each list adds the actions of its
   * optimized integration on its resources; each SDK call its one action on its resource.
   */
  #integrationStatements(): PolicyStatement[] {
    const { integrations } = this.config;
    const statements: PolicyStatement[] = [];
    const grant = (actions: string[], resources: string[]) => {
      if (resources.length > 0) statements.push(new PolicyStatement({ actions, resources }));
    };
    grant(
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      integrations.tableArns,
    );
    grant(['sqs:SendMessage'], integrations.queueArns);
    grant(['sns:Publish'], integrations.topicArns);
    grant(['events:PutEvents'], integrations.eventBusArns);
    const byResource = new Map<string, string[]>();
    for (const call of integrations.sdkCalls) {
      byResource.set(call.resource, [...(byResource.get(call.resource) ?? []), call.action]);
    }
    for (const [resource, actions] of byResource) grant([...new Set(actions)], [resource]);
    // HTTP Tasks: the connection (DescribeConnection, and RetrieveConnectionCredentials as AWS's own HTTP Task
    // needs it) and the secret EventBridge keeps its credentials in (events!connection/<name>/…).
    grant(['events:RetrieveConnectionCredentials', 'events:DescribeConnection'], integrations.connectionArns);
    grant(
      ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      integrations.connectionArns.map(connectionSecretArn),
    );
    return statements;
  }

  /** The configured ARNs, or every function of this account and region (a wildcard by design: Task targets). */
  allowedFunctionArns(): string[] {
    return (
      this.config.allowedFunctionArns ?? [
        this.formatArn({
          service: 'lambda',
          resource: 'function',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ]
    );
  }

  #createAlarms(): void {
    const topicArn = this.config.alarmTopicArn;
    const action =
      topicArn === undefined ? undefined : new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', topicArn));
    const alarm = (id: string, description: string, metric: IMetric, threshold: number): void => {
      const created = new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (action) created.addAlarmAction(action);
    };
    const period = Duration.minutes(5);
    for (const name of QUEUE_NAMES) {
      const id = capitalize(name);
      alarm(
        `${id}DeadLetterAlarm`,
        `Messages in the ${name} dead-letter queue: they failed ${DEFAULT_MAX_RECEIVE_COUNT} times`,
        this.deadLetterQueues[name].metricApproximateNumberOfMessagesVisible({
          period,
          statistic: 'Maximum',
        }),
        0,
      );
      const age = QUEUES[name].oldestMessageAlarmSeconds;
      alarm(
        `${id}BacklogAlarm`,
        `The oldest message in the ${name} queue is older than ${age} s: its handler is failing or throttled`,
        this.queues[name].metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
        age,
      );
    }
    for (const name of HANDLER_NAMES) {
      alarm(
        `${capitalize(name)}ErrorsAlarm`,
        `The ${name} handler failed (an exception, a timeout or running out of memory)`,
        this.handlers[name].metricErrors({ period, statistic: 'Sum' }),
        0,
      );
    }
    const reconciled = (metricName: string) =>
      new Metric({ namespace: RECONCILER_NAMESPACE, metricName, period, statistic: 'Sum' });
    alarm(
      'ReconcilerResentAlarm',
      'The reconciler found stuck executions (a message lost or dead-lettered) and sent their messages again',
      reconciled(RECONCILER_METRICS.resent),
      0,
    );
    alarm(
      'ReconcilerFailedAlarm',
      'The reconciler failed executions that stayed stuck after their messages were sent again',
      reconciled(RECONCILER_METRICS.failed),
      0,
    );
  }

  #createOutputs(): void {
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output(
      'ApiUrl',
      this.api.apiEndpoint,
      'The Step Functions endpoint: --endpoint-url for the CLI, endpoint for SDKs',
    );
    output(
      'ApiInvokeArn',
      this.api.arnForExecuteApi('POST', '/'),
      'Grant callers execute-api:Invoke on this ARN',
    );
    output('TableName', this.table.tableName, 'The event log table');
    for (const name of QUEUE_NAMES) {
      const id = capitalize(name);
      output(`${id}QueueUrl`, this.queues[name].queueUrl, `The ${name} queue`);
      output(
        `${id}DeadLetterQueueName`,
        this.deadLetterQueues[name].queueName,
        `The ${name} dead-letter queue`,
      );
    }
  }
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * The Secrets Manager secret EventBridge created for a connection:
 * `arn:aws:events:<region>:<account>:connection/<name>/<id>` → `arn:aws:secretsmanager:<region>:<account>:secret:events!connection/<name>/*`.
 */
export function connectionSecretArn(connectionArn: string): string {
  const [, partition, region, account, name] =
    /^arn:(aws[a-z-]*):events:([^:]*):([^:]*):connection\/([^/]+)/.exec(connectionArn) ?? [];
  return `arn:${partition}:secretsmanager:${region}:${account}:secret:events!connection/${name}/*`;
}
