import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveStackConfig } from '../../infra/stack-config.ts';
import { StatefoldStack } from '../../infra/statefold-stack.ts';

/**
 * Service integrations on AWS: the task handler (and the API's inline EXPRESS runs) may call only the tables,
 * queues, topics, event buses and SDK actions the context names; nothing beyond Lambda by default.
 */

const context = (values: Record<string, unknown>) => (key: string) => values[key];

describe('the integration grants in context', () => {
  it.each([
    [
      'allowedTableArns',
      'arn:aws:dynamodb:eu-west-1:123456789012:table/orders, arn:aws:dynamodb:eu-west-1:123456789012:table/audit-*',
      {
        tableArns: [
          'arn:aws:dynamodb:eu-west-1:123456789012:table/orders',
          'arn:aws:dynamodb:eu-west-1:123456789012:table/audit-*',
        ],
      },
    ],
    [
      'allowedQueueArns',
      ['arn:aws:sqs:eu-west-1:123456789012:approvals'],
      { queueArns: ['arn:aws:sqs:eu-west-1:123456789012:approvals'] },
    ],
    [
      'allowedSdkCalls',
      's3:GetObject=arn:aws:s3:::receipts/*,ssm:GetParameter=arn:aws:ssm:eu-west-1:123456789012:parameter/app/*',
      {
        sdkCalls: [
          { action: 's3:GetObject', resource: 'arn:aws:s3:::receipts/*' },
          { action: 'ssm:GetParameter', resource: 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/*' },
        ],
      },
    ],
    [
      'allowedConnectionArns',
      'arn:aws:events:eu-west-1:123456789012:connection/stripe/4a1b2c3d-0000-4000-8000-000000000000',
      {
        connectionArns: [
          'arn:aws:events:eu-west-1:123456789012:connection/stripe/4a1b2c3d-0000-4000-8000-000000000000',
        ],
      },
    ],
    [
      'httpAllowedHosts',
      'api.stripe.com, *.salesforce.com,hooks.example.com:8443',
      { httpAllowedHosts: ['api.stripe.com', '*.salesforce.com', 'hooks.example.com:8443'] },
    ],
  ])('context %s=%j allows %j', (key, value, expected) => {
    expect(resolveStackConfig({}, context({ [key]: value })).integrations).toMatchObject(expected);
  });

  it.each([
    ['allowedTableArns', 'orders', /a list of DynamoDB table ARNs/],
    ['allowedQueueArns', 'arn:aws:sns:eu-west-1:123456789012:topic', /a list of SQS queue ARNs/],
    ['allowedTopicArns', '', undefined],
    ['allowedSdkCalls', 's3:GetObject', /<service>:<Action>=<resource ARN>/],
    [
      'allowedConnectionArns',
      'arn:aws:events:eu-west-1:123456789012:event-bus/default',
      /a list of EventBridge connection ARNs/,
    ],
    ['httpAllowedHosts', 'https://api.stripe.com/v1', /a list of host names/],
  ])('context %s=%j: %s', (key, value, refusal) => {
    const resolve = () => resolveStackConfig({}, context({ [key]: value }));
    if (refusal === undefined) expect(resolve().integrations.topicArns).toEqual([]);
    else expect(resolve).toThrow(refusal);
  });
});

function stackWith(values: Record<string, unknown>): { stack: StatefoldStack; template: Template } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...values } });
  const stack = new StatefoldStack(app, 'Integrations', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  return { stack, template: Template.fromStack(stack) };
}

const statementsOf = (
  stack: StatefoldStack,
  template: Template,
  handler: 'api' | 'step' | 'task' | 'timer',
) => {
  const roleId = stack.getLogicalId(stack.handlers[handler].role?.node.defaultChild as CfnElement);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>,
    );
};

const SERVICE_ACTION = /^(dynamodb:|sqs:|sns:|events:|s3:|ssm:|secretsmanager:)/;
const CONNECTION =
  'arn:aws:events:eu-west-1:123456789012:connection/stripe/4a1b2c3d-0000-4000-8000-000000000000';

describe('the stack with integration grants', () => {
  let granted: ReturnType<typeof stackWith>;
  let plain: ReturnType<typeof stackWith>;

  beforeAll(() => {
    granted = stackWith({
      allowedTableArns: 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders',
      allowedQueueArns: 'arn:aws:sqs:eu-west-1:123456789012:approvals',
      allowedTopicArns: 'arn:aws:sns:eu-west-1:123456789012:order-events',
      allowedEventBusArns: 'arn:aws:events:eu-west-1:123456789012:event-bus/default',
      allowedSdkCalls: 's3:GetObject=arn:aws:s3:::receipts/*,s3:PutObject=arn:aws:s3:::receipts/*',
      allowedConnectionArns: `${CONNECTION}, arn:aws:events:eu-west-1:123456789012:connection/crm/*`,
      httpAllowedHosts: 'api.stripe.com,*.salesforce.com',
    });
    plain = stackWith({});
    // Synthesis bundles every Lambda with esbuild: seconds of CPU, many times that on a loaded machine.
  }, 180_000);

  it.each([
    [
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      'arn:aws:dynamodb:eu-west-1:123456789012:table/orders',
    ],
    ['sqs:SendMessage', 'arn:aws:sqs:eu-west-1:123456789012:approvals'],
    ['sns:Publish', 'arn:aws:sns:eu-west-1:123456789012:order-events'],
    ['events:PutEvents', 'arn:aws:events:eu-west-1:123456789012:event-bus/default'],
    [['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::receipts/*'],
    [
      ['events:RetrieveConnectionCredentials', 'events:DescribeConnection'],
      [CONNECTION, 'arn:aws:events:eu-west-1:123456789012:connection/crm/*'],
    ],
    [
      ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      [
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:events!connection/stripe/*',
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:events!connection/crm/*',
      ],
    ],
  ])('the task and api handlers may %j on %s, and only there', (actions, resource) => {
    const { stack, template } = granted;
    for (const handler of ['task', 'api'] as const) {
      const roleId = stack.getLogicalId(stack.handlers[handler].role?.node.defaultChild as CfnElement);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: Match.arrayWith([{ Action: actions, Effect: 'Allow', Resource: resource }]),
        },
      });
    }
    for (const handler of ['step', 'timer'] as const) {
      expect(statementsOf(stack, template, handler)).not.toContainEqual(
        expect.objectContaining({ Resource: resource }),
      );
    }
  });

  it('the handlers get the allowed HTTP hosts in their environment, and none without context', () => {
    const variables = (stack: StatefoldStack, template: Template) => {
      const id = stack.getLogicalId(stack.handlers.task.node.defaultChild as CfnElement);
      return template.toJSON().Resources[id].Properties.Environment.Variables as Record<string, unknown>;
    };
    expect(variables(granted.stack, granted.template).STATEFOLD_HTTP_ALLOWED_HOSTS).toBe(
      'api.stripe.com,*.salesforce.com',
    );
    expect(variables(plain.stack, plain.template)).not.toHaveProperty('STATEFOLD_HTTP_ALLOWED_HOSTS');
  });

  it('without context, no handler may call any service integration beyond Lambda', () => {
    const { stack, template } = plain;
    for (const handler of ['api', 'step', 'task', 'timer'] as const) {
      // The stack's own table and queues are references; a service integration's resource is an ARN the
      // context wrote.
      const actions = statementsOf(stack, template, handler)
        .filter((statement) => typeof statement.Resource === 'string')
        .flatMap((statement) =>
          Array.isArray(statement.Action) ? statement.Action : [statement.Action],
        ) as string[];
      expect(actions.filter((action) => SERVICE_ACTION.test(action))).toEqual([]);
    }
  });
});
