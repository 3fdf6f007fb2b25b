import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_NAMES, type HandlerName } from '../../infra/stack-config.ts';
import { QUEUE_NAMES, type QueueName, StatefoldStack } from '../../infra/statefold-stack.ts';
import { DEFAULT_MAX_RECEIVE_COUNT, ENVIRONMENT } from '../../shared/engine/environment-names.ts';
import { createTableInput, TTL_ATTRIBUTE } from '../../shared/eventlog/table.ts';

/**
 * The synthesized template of the stack as `npx cdk deploy` would deploy it (default configuration, handlers
 * bundled by the local esbuild), plus an alarm topic. One synth for the whole file.
 */

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource?: unknown };

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:statefold-alarms`;

let stack: StatefoldStack;
let template: Template;
let resources: Record<string, Resource>;
let outdir: string;

beforeAll(() => {
  const app = new App();
  stack = new StatefoldStack(app, 'Statefold', {
    env: { account: ACCOUNT, region: REGION },
    config: { alarmTopicArn: TOPIC },
  });
  template = Template.fromStack(stack);
  outdir = app.outdir;
  resources = template.toJSON().Resources as Record<string, Resource>;
  // Synthesis bundles every Lambda with esbuild: seconds of CPU, many times that on a loaded machine.
}, 180_000);

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const functionOf = (name: HandlerName) => resources[logicalId(stack.handlers[name])] as Resource;
const queueOf = (name: QueueName) => resources[logicalId(stack.queues[name])] as Resource;

/** A resource as text: literal parts kept, references named, so a literal `*` shows. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(render).join(',');
  if (value !== null && typeof value === 'object') {
    const [[fn, args]] = Object.entries(value) as [[string, unknown]];
    if (fn === 'Fn::Join') {
      const [separator, parts] = args as [string, unknown[]];
      return parts.map(render).join(separator);
    }
    if (fn === 'Fn::GetAtt') return `<${(args as string[]).join('.')}>`;
    if (fn === 'Ref') return `<${String(args)}>`;
  }
  return JSON.stringify(value);
}

/** Every Allow statement of every identity and resource policy in the template. */
function allowStatements(): { owner: string; statement: Statement }[] {
  const documents: { owner: string; document: unknown }[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {};
    if ('PolicyDocument' in properties) documents.push({ owner: id, document: properties.PolicyDocument });
    for (const policy of (properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
      documents.push({ owner: id, document: policy.PolicyDocument });
    }
  }
  return documents.flatMap(({ owner, document }) =>
    ((document as { Statement: Statement[] }).Statement ?? [])
      .filter((statement) => statement.Effect === 'Allow')
      .map((statement) => ({ owner, statement })),
  );
}

/** The statements of `effect` in the policies attached to a handler's role: actions to resources. */
function actionsOf(name: HandlerName, effect: 'Allow' | 'Deny' = 'Allow'): Record<string, string[]> {
  const roleId = stack.getLogicalId(stack.handlers[name].role?.node.defaultChild as CfnElement);
  const byAction: Record<string, string[]> = {};
  for (const [, policy] of ofType('AWS::IAM::Policy')) {
    const roles = (policy.Properties.Roles as { Ref: string }[]).map((role) => role.Ref);
    if (!roles.includes(roleId)) continue;
    for (const statement of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
      if (statement.Effect !== effect) continue;
      for (const action of [statement.Action].flat()) {
        byAction[action] = [...(byAction[action] ?? []), ...[statement.Resource].flat().map(render)].sort();
      }
    }
  }
  return byAction;
}

describe('queues', () => {
  it('every queue has a dead-letter queue, and every dead-letter queue belongs to a queue', () => {
    const queues = ofType('AWS::SQS::Queue');
    const targets = queues.flatMap(([, queue]) => {
      const redrive = queue.Properties.RedrivePolicy as
        | { deadLetterTargetArn: { 'Fn::GetAtt': string[] } }
        | undefined;
      return redrive ? [redrive.deadLetterTargetArn['Fn::GetAtt'][0]] : [];
    });
    const withoutRedrive = queues.filter(([, queue]) => queue.Properties.RedrivePolicy === undefined);
    expect(queues).toHaveLength(6);
    expect(targets).toHaveLength(3);
    expect(withoutRedrive.map(([id]) => id).sort()).toEqual([...targets].sort());
  });

  it.each(QUEUE_NAMES)(
    '%s: maxReceiveCount is the engine default, messages are encrypted and kept 14 days',
    (name) => {
      const queue = queueOf(name).Properties;
      expect(queue.RedrivePolicy).toMatchObject({ maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT });
      expect(queue.SqsManagedSseEnabled).toBe(true);
      expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    },
  );

  it.each([
    ['transitions', true],
    ['tasks', undefined],
    ['timers', undefined],
  ] as const)('%s: FIFO %s, and its dead-letter queue the same kind', (name, fifo) => {
    expect(queueOf(name).Properties.FifoQueue).toBe(fifo);
    expect(resources[logicalId(stack.deadLetterQueues[name])]?.Properties.FifoQueue).toBe(fifo);
  });

  it('the transitions queue takes explicit deduplication ids, with throughput per message group', () => {
    expect(queueOf('transitions').Properties).toMatchObject({
      ContentBasedDeduplication: false,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
    });
  });

  it.each([
    ['transitions', 'step', 360],
    ['tasks', 'task', 5400],
    ['timers', 'timer', 180],
  ] as const)(
    '%s: visibility timeout %s s is six times the %s handler timeout',
    (queue, handler, seconds) => {
      const timeout = functionOf(handler).Properties.Timeout as number;
      expect(queueOf(queue).Properties.VisibilityTimeout).toBe(seconds);
      expect(seconds).toBeGreaterThanOrEqual(6 * timeout);
    },
  );
});

describe('event source mappings', () => {
  it('each queue feeds its handler in batches of 10, with batch item failures reported', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties);
    expect(mappings).toHaveLength(3);
    for (const mapping of mappings) {
      expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(mapping.BatchSize).toBe(10);
    }
    const pairs = mappings.map((mapping) => [
      (mapping.EventSourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0],
      (mapping.FunctionName as { Ref: string }).Ref,
    ]);
    expect(pairs.sort()).toEqual(
      (
        [
          ['tasks', 'task'],
          ['timers', 'timer'],
          ['transitions', 'step'],
        ] as const
      )
        .map(([queue, handler]) => [logicalId(stack.queues[queue]), logicalId(stack.handlers[handler])])
        .sort(),
    );
  });
});

describe('the HTTP API', () => {
  it('has one route, POST /, to the api handler, and every route requires IAM (SigV4)', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);
    expect(routes.map((route) => route.RouteKey)).toEqual(['POST /']);
    for (const route of routes) expect(route.AuthorizationType).toBe('AWS_IAM');
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [logicalId(stack.handlers.api), 'Arn'] },
    });
  });
});

describe('IAM', () => {
  it('no Allow statement grants a wildcard action', () => {
    const wildcards = allowStatements().filter(({ statement }) =>
      [statement.Action].flat().some((action) => action.includes('*')),
    );
    expect(wildcards).toEqual([]);
  });

  it('a wildcard resource is only a log group’s streams or the default allowed Lambda functions', () => {
    const allowed = [
      /^<\w+\.Arn>$/,
      new RegExp(`^arn:<AWS::Partition>:lambda:${REGION}:${ACCOUNT}:function:\\*$`),
    ];
    const unintended = allowStatements().flatMap(({ owner, statement }) =>
      [statement.Resource ?? []]
        .flat()
        .map(render)
        .filter((resource) => resource.includes('*') && !allowed.some((pattern) => pattern.test(resource)))
        .map((resource) => `${owner}: ${resource}`),
    );
    expect(unintended).toEqual([]);
  });

  it('no role carries a managed policy (AWSLambdaBasicExecutionRole would allow logs:* on *)', () => {
    for (const [, role] of ofType('AWS::IAM::Role'))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  const table = () => `<${logicalId(stack.table)}.Arn>`;
  const queue = (name: QueueName) => `<${logicalId(stack.queues[name])}.Arn>`;
  const logs = (name: HandlerName) =>
    `<${stack.getLogicalId(stack.handlers[name].logGroup.node.defaultChild as CfnElement)}.Arn>`;
  const functions = `arn:<AWS::Partition>:lambda:${REGION}:${ACCOUNT}:function:*`;
  const tableReadWrite = () =>
    Object.fromEntries(
      [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ].map((action) => [action, [table()]]),
    );
  const consume = (name: QueueName) =>
    Object.fromEntries(
      [
        'sqs:ReceiveMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueUrl',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
      ].map((action) => [action, [queue(name)]]),
    );
  const writeLogs = (name: HandlerName) => ({
    'logs:CreateLogStream': [logs(name)],
    'logs:PutLogEvents': [logs(name)],
  });

  it.each([
    [
      'api',
      () => ({
        ...writeLogs('api'),
        ...tableReadWrite(),
        'dynamodb:Query': [table(), `${table()}/index/byMachine`, `${table()}/index/byMachineStatus`].sort(),
        'sqs:SendMessage': [queue('transitions'), queue('tasks'), queue('timers')].sort(),
        'lambda:InvokeFunction': [functions],
      }),
    ],
    [
      'step',
      () => ({
        ...writeLogs('step'),
        ...tableReadWrite(),
        ...consume('transitions'),
        'sqs:SendMessage': [queue('transitions'), queue('tasks'), queue('timers')].sort(),
      }),
    ],
    [
      'task',
      () => ({
        ...writeLogs('task'),
        ...tableReadWrite(),
        'dynamodb:Query': [table(), `${table()}/index/byMachine`, `${table()}/index/byMachineStatus`].sort(),
        ...consume('tasks'),
        'sqs:SendMessage': [queue('transitions'), queue('tasks'), queue('timers')].sort(),
        'lambda:InvokeFunction': [functions],
      }),
    ],
    [
      'timer',
      () => ({
        ...writeLogs('timer'),
        ...consume('timers'),
        'sqs:SendMessage': [queue('timers'), queue('transitions')].sort(),
      }),
    ],
    [
      'reconcile',
      () => ({
        ...writeLogs('reconcile'),
        ...tableReadWrite(),
        'dynamodb:Query': [table(), `${table()}/index/byMachine`, `${table()}/index/byMachineStatus`].sort(),
        'sqs:SendMessage': [queue('transitions'), queue('tasks'), queue('timers')].sort(),
      }),
    ],
  ] as const)('the %s handler may do exactly this, on exactly these resources', (name, expected) => {
    expect(actionsOf(name)).toEqual(expected());
  });
});

describe("Statefold's own handlers", () => {
  const deniedOf = (name: HandlerName) => actionsOf(name, 'Deny');
  const handlerArns = () =>
    HANDLER_NAMES.flatMap((name) => {
      const arn = `<${logicalId(stack.handlers[name])}.Arn>`;
      return [arn, `${arn}:*`];
    }).sort();

  it.each(['api', 'task'] as const)(
    'the %s role, which may invoke every function of the account, is denied every Statefold handler and its versions',
    (name) => {
      expect(deniedOf(name)).toEqual({
        'lambda:InvokeFunction': handlerArns(),
        'lambda:InvokeAsync': handlerArns(),
      });
    },
  );

  it.each(['step', 'timer', 'reconcile'] as const)('the %s role invokes no function at all', (name) => {
    expect(Object.keys(actionsOf(name)).filter((action) => action.startsWith('lambda:'))).toEqual([]);
  });
});

describe('the table', () => {
  it('has the keys and indexes of createTableInput, on demand, with the INCLUDE projection', () => {
    const layout = createTableInput('layout');
    const table = resources[logicalId(stack.table)] as Resource;
    expect(table.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(table.Properties).toMatchObject({
      BillingMode: layout.BillingMode,
      KeySchema: layout.KeySchema,
      AttributeDefinitions: layout.AttributeDefinitions,
      GlobalSecondaryIndexes: layout.GlobalSecondaryIndexes,
    });
  });

  it('has point-in-time recovery, encryption with the AWS managed key and TTL on the engine’s attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      Replicas: [{ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }],
    });
  });

  it('is kept when the stack is deleted (the default removal policy)', () => {
    const table = resources[logicalId(stack.table)] as Resource;
    expect(table.DeletionPolicy).toBe('Retain');
  });
});

describe('the handlers', () => {
  it.each([
    ['api', 256, 29],
    ['step', 128, 60],
    ['task', 128, 900],
    ['timer', 128, 30],
    ['reconcile', 256, 300],
  ] as const)('%s: Node 24 on arm64, %s MB, %s s, JSON logs', (name, memory, timeout) => {
    expect(functionOf(name).Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: memory,
      Timeout: timeout,
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO' },
    });
  });

  it.each(HANDLER_NAMES)(
    '%s: reads the engine environment, with the stack account, the receive count and the activity poll',
    (name) => {
      const variables = (functionOf(name).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      const {
        eventSourceArn: _queueHandlersOnly,
        httpAllowedHosts: _withContextOnly,
        ...engineVariables
      } = ENVIRONMENT;
      expect(Object.keys(variables)).toEqual(expect.arrayContaining(Object.values(engineVariables)));
      expect(variables[ENVIRONMENT.accountId]).toBe(ACCOUNT);
      expect(variables[ENVIRONMENT.maxReceiveCount]).toBe(String(DEFAULT_MAX_RECEIVE_COUNT));
      // GetActivityTask answers within the API function's 29 s.
      expect(variables[ENVIRONMENT.activityPollSeconds]).toBe('20');
      expect(variables[ENVIRONMENT.table]).toEqual({ Ref: logicalId(stack.table) });
    },
  );

  it.each([
    ['step', 'transitions'],
    ['task', 'tasks'],
    ['timer', 'timers'],
    ['api', undefined],
    ['reconcile', undefined],
  ] as const)('%s: takes events of its own queue only (%s)', (name, queue) => {
    const variables = (functionOf(name).Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables[ENVIRONMENT.eventSourceArn]).toEqual(
      queue === undefined ? undefined : { 'Fn::GetAtt': [logicalId(stack.queues[queue]), 'Arn'] },
    );
  });

  it.each([
    ['api', undefined],
    ['step', 'Allow'],
    ['task', 'Allow'],
    ['timer', 'Allow'],
    ['reconcile', undefined],
  ] as const)(
    '%s: recursive loop detection %s (the queue handlers feed each other by design)',
    (name, setting) => {
      expect(functionOf(name).Properties.RecursiveLoop).toBe(setting);
    },
  );

  it.each(HANDLER_NAMES)(
    '%s: its code is its functions/ module, bundled by esbuild as an ES module',
    (name) => {
      const code = functionOf(name).Properties.Code as { S3Key: string };
      const hash = /^([0-9a-f]{64})\.zip$/.exec(code.S3Key)?.[1];
      const bundle = readFileSync(join(outdir, `asset.${hash}`, 'index.mjs'), 'utf8');
      expect(bundle).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
      // The runtime's AWS SDK v3 is used, not a bundled copy.
      expect(bundle).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
    },
  );
});

describe('the reconciler', () => {
  it('runs every 5 minutes, on a schedule that invokes the reconcile handler', () => {
    const rules = ofType('AWS::Events::Rule').map(([, rule]) => rule.Properties);
    expect(rules).toEqual([
      expect.objectContaining({
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        Targets: [
          expect.objectContaining({ Arn: { 'Fn::GetAtt': [logicalId(stack.handlers.reconcile), 'Arn'] } }),
        ],
      }),
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalId(stack.handlers.reconcile), 'Arn'] },
    });
  });
});

describe('alarms', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);

  it.each([
    ['ApproximateNumberOfMessagesVisible', 'AWS/SQS', 3, 0],
    ['ApproximateAgeOfOldestMessage', 'AWS/SQS', 3, undefined],
    ['Errors', 'AWS/Lambda', 5, 0],
    ['ReconcilerExecutionsResent', 'Statefold', 1, 0],
    ['ReconcilerExecutionsFailed', 'Statefold', 1, 0],
  ] as const)('%s (%s): %s alarms', (metric, namespace, count, threshold) => {
    const matching = alarms().filter((alarm) => alarm.MetricName === metric && alarm.Namespace === namespace);
    expect(matching).toHaveLength(count);
    for (const alarm of matching) {
      expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
      if (threshold !== undefined) expect(alarm.Threshold).toBe(threshold);
    }
  });

  it('every alarm notifies the configured SNS topic', () => {
    expect(alarms()).toHaveLength(13);
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([TOPIC]);
  });
});

describe('outputs', () => {
  it.each([
    'ApiUrl',
    'ApiInvokeArn',
    'TableName',
    'TransitionsQueueUrl',
    'TasksQueueUrl',
    'TimersQueueUrl',
    'TransitionsDeadLetterQueueName',
    'TasksDeadLetterQueueName',
    'TimersDeadLetterQueueName',
  ])('%s', (name) => {
    template.hasOutput(name, {});
  });
});
