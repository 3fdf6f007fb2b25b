import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveStackConfig } from '../../infra/stack-config.ts';
import { RETENTION_DAYS_VARIABLE, StatefoldStack } from '../../infra/statefold-stack.ts';

/** The stack's configuration: context (as `-c key=value` gives it: strings) or props, over the defaults. */

const context = (values: Record<string, unknown>) => (key: string) => values[key];

describe('resolveStackConfig', () => {
  it('gives the documented defaults when nothing is set', () => {
    expect(resolveStackConfig()).toEqual({
      retentionDays: 90,
      logLevel: 'INFO',
      logRetentionDays: 30,
      handlers: {
        api: { memorySize: 256 },
        step: { memorySize: 128 },
        task: { memorySize: 128 },
        timer: { memorySize: 128 },
        reconcile: { memorySize: 256 },
      },
      removalPolicy: 'retain',
      // Service integrations reach nothing unless the context names it.
      integrations: {
        tableArns: [],
        queueArns: [],
        topicArns: [],
        eventBusArns: [],
        sdkCalls: [],
        connectionArns: [],
        httpAllowedHosts: [],
      },
    });
    expect(resolveStackConfig()).toEqual(DEFAULT_CONFIG);
  });

  it.each([
    ['retentionDays', '30', { retentionDays: 30 }],
    ['retentionDays', 365, { retentionDays: 365 }],
    ['logLevel', 'debug', { logLevel: 'DEBUG' }],
    ['logRetentionDays', '7', { logRetentionDays: 7 }],
    ['removalPolicy', 'DESTROY', { removalPolicy: 'destroy' }],
    ['stepMemorySize', '512', { handlers: expect.objectContaining({ step: { memorySize: 512 } }) }],
    [
      'taskReservedConcurrency',
      '0',
      { handlers: expect.objectContaining({ task: { memorySize: 128, reservedConcurrency: 0 } }) },
    ],
    [
      'allowedFunctionArns',
      'arn:aws:lambda:eu-west-1:123456789012:function:orders-*, arn:aws:lambda:eu-west-1:123456789012:function:billing',
      {
        allowedFunctionArns: [
          'arn:aws:lambda:eu-west-1:123456789012:function:orders-*',
          'arn:aws:lambda:eu-west-1:123456789012:function:billing',
        ],
      },
    ],
    [
      'allowedFunctionArns',
      ['arn:aws:lambda:eu-west-1:123456789012:function:billing:live'],
      { allowedFunctionArns: ['arn:aws:lambda:eu-west-1:123456789012:function:billing:live'] },
    ],
    [
      'alarmTopicArn',
      'arn:aws:sns:eu-west-1:123456789012:ops',
      { alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' },
    ],
  ])('context %s=%j sets %j', (key, value, expected) => {
    expect(resolveStackConfig({}, context({ [key]: value }))).toMatchObject(expected);
  });

  it.each([
    ['retentionDays', '0', /retentionDays="0" is not a whole number of at least 1/],
    ['retentionDays', 'ninety', /retentionDays="ninety"/],
    ['logLevel', 'LOUD', /one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL/],
    ['logRetentionDays', '10', /one of CloudWatch Logs' retention periods/],
    ['apiMemorySize', '64', /a memory size in MB from 128 to 10240/],
    ['timerReservedConcurrency', '-1', /at least 0/],
    ['removalPolicy', 'snapshot', /one of retain, destroy/],
    ['allowedFunctionArns', 'my-function', /a list of Lambda function ARNs/],
    ['alarmTopicArn', 'ops-topic', /an SNS topic ARN/],
  ])('context %s=%j is refused: %s', (key, value, message) => {
    expect(() => resolveStackConfig({}, context({ [key]: value }))).toThrow(message);
  });

  it('props win over context, and an empty context value counts as unset', () => {
    const config = resolveStackConfig(
      { retentionDays: 7, handlers: { api: { memorySize: 1024 } } },
      context({ retentionDays: '30', apiMemorySize: '512', logLevel: '' }),
    );
    expect(config).toMatchObject({
      retentionDays: 7,
      logLevel: 'INFO',
      handlers: { api: { memorySize: 1024 } },
    });
  });
});

describe('the stack under context values', () => {
  let template: Template;
  let stack: StatefoldStack;

  beforeAll(() => {
    const app = new App({
      context: {
        // CDK's own switch: no stack's assets are bundled (this file checks configuration, not code).
        'aws:cdk:bundling-stacks': [],
        removalPolicy: 'destroy',
        retentionDays: '30',
        logLevel: 'warn',
        logRetentionDays: '14',
        stepMemorySize: '256',
        stepReservedConcurrency: '20',
        allowedFunctionArns: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-*',
      },
    });
    stack = new StatefoldStack(app, 'Configured', { env: { account: '123456789012', region: 'eu-west-1' } });
    template = Template.fromStack(stack);
    // Synthesis bundles every Lambda with esbuild: seconds of CPU, many times that on a loaded machine.
  }, 180_000);

  const functionProps = (name: 'api' | 'step' | 'task' | 'timer') =>
    template.toJSON().Resources[stack.getLogicalId(stack.handlers[name].node.defaultChild as CfnElement)]
      .Properties;

  it('removalPolicy=destroy deletes the table with the stack', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  it('memory, reserved concurrency, log level and retention reach the step handler', () => {
    expect(functionProps('step')).toMatchObject({
      MemorySize: 256,
      ReservedConcurrentExecutions: 20,
      LoggingConfig: { ApplicationLogLevel: 'WARN' },
      Environment: { Variables: { [RETENTION_DAYS_VARIABLE]: '30' } },
    });
    expect(functionProps('timer')).toMatchObject({ MemorySize: 128 });
    expect(functionProps('timer').ReservedConcurrentExecutions).toBeUndefined();
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
  });

  it.each(['api', 'task'] as const)('the %s handler may invoke only the allowed functions', (name) => {
    const roleId = stack.getLogicalId(stack.handlers[name].role?.node.defaultChild as CfnElement);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-*',
          },
        ]),
      },
    });
  });

  it('alarms have no actions without an alarm topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(13);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toBeUndefined();
  });
});
