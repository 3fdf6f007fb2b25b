import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../../shared/asl/validate-definition.ts';
import { parseTaskResource } from '../../../shared/execution/task-resource.ts';
import { parseIntegrationResource } from '../../../shared/language/task-resources.ts';

describe('the task-resource registry', () => {
  it.each([
    ['arn:aws:states:::sqs:sendMessage', 'sqs', 'sendMessage', 'request-response', false],
    ['arn:aws:states:::sqs:sendMessage.waitForTaskToken', 'sqs', 'sendMessage', 'waitForTaskToken', false],
    ['arn:aws:states:::sns:publish.waitForTaskToken', 'sns', 'publish', 'waitForTaskToken', false],
    ['arn:aws:states:::dynamodb:updateItem', 'dynamodb', 'updateItem', 'request-response', false],
    ['arn:aws:states:::events:putEvents.waitForTaskToken', 'events', 'putEvents', 'waitForTaskToken', false],
    ['arn:aws:states:::states:startExecution.sync:2', 'states', 'startExecution', 'sync:2', false],
    ['arn:aws:states:::glue:startJobRun.sync', 'glue', 'startJobRun', 'sync', false],
    ['arn:aws:states:::aws-sdk:s3:getObject', 's3', 'getObject', 'request-response', true],
    [
      'arn:aws-us-gov:states:::aws-sdk:ssm:getParameter.waitForTaskToken',
      'ssm',
      'getParameter',
      'waitForTaskToken',
      true,
    ],
  ])('%s is %s:%s (%s, sdk %s)', (resource, service, action, pattern, sdk) => {
    expect(parseIntegrationResource(resource)).toMatchObject({
      kind: 'integration',
      integration: { service, action, pattern, sdk },
    });
  });

  it.each([
    'arn:aws:states:::sqs:sendMessage.sync',
    'arn:aws:states:::sns:publish.sync:2',
    'arn:aws:states:::dynamodb:getItem.waitForTaskToken',
    'arn:aws:states:::dynamodb:query',
    'arn:aws:states:::events:putEvents.sync',
    'arn:aws:states:::http:invoke.waitForTaskToken',
    'arn:aws:states:::aws-sdk:s3:getObject.sync',
    'arn:aws:states:::aws-sdk:s3:GetObject',
    'arn:aws:states:::nosuch:thing',
    'arn:aws:states:::lambda',
  ])('%s is not recognized', (resource) => {
    expect(parseIntegrationResource(resource)).toEqual({ kind: 'unrecognized' });
  });

  it.each([
    'arn:aws:lambda:us-east-1:123456789012:function:f',
    'arn:aws:states:us-east-1:123456789012:activity:approve',
    'not-an-arn',
  ])('%s is outside the states::: namespace', (resource) => {
    expect(parseIntegrationResource(resource)).toEqual({ kind: 'other' });
  });

  it.each([
    ['arn:aws:states:::sqs:sendMessage.waitForTaskToken', 'sqs', 'sendMessage.waitForTaskToken', 'service'],
    ['arn:aws:states:::aws-sdk:s3:getObject', 'aws-sdk:s3', 'getObject', 'service'],
    ['arn:aws:states:::lambda:invoke', 'lambda', 'invoke', 'lambda-invoke'],
    [
      'arn:aws:states:us-east-1:123456789012:activity:approve',
      'activity',
      'arn:aws:states:us-east-1:123456789012:activity:approve',
      'activity',
    ],
    ['arn:aws:states:us-east-1:123456789012:mystery:thing', 'mystery', 'thing', 'unsupported'],
  ])('history names %s as resourceType %s, resource %s (target %s)', (resource, type, name, kind) => {
    expect(parseTaskResource(resource)).toMatchObject({
      resourceType: type,
      resource: name,
      target: { kind },
    });
  });
});

describe('validation of Task resources', () => {
  const machine = (resource: string) => ({
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: resource, End: true } },
  });

  it.each([
    ['arn:aws:states:::sqs:sendMessage.sync', 'FAIL'],
    ['arn:aws:states:::aws-sdk:dynamodb:getItem.sync', 'FAIL'],
    ['arn:aws:states:::sqs:sendMessage.waitForTaskToken', 'OK'],
    ['arn:aws:states:::aws-sdk:kinesis:putRecord', 'OK'],
    ['arn:aws:states:us-east-1:123456789012:activity:approve', 'OK'],
    // The `.sync` jobs AWS offers (Statefold runs none yet: they fail at run time, catchably).
    ['arn:aws:states:::glue:startJobRun.sync', 'OK'],
    ['arn:aws:states:::ecs:runTask.sync', 'OK'],
    ['arn:aws:states:::batch:submitJob.sync', 'OK'],
    ['arn:aws:states:::codebuild:startBuild.sync', 'OK'],
    ['arn:aws:states:::athena:startQueryExecution.sync', 'OK'],
    ['arn:aws:states:::codebuild:startBuild.sync:2', 'FAIL'],
    ['arn:aws:states:::glue:startJobRun.waitForTaskToken', 'FAIL'],
  ])('%s: %s', (resource, result) => {
    const validated = validateDefinition(machine(resource));
    expect(validated.result).toBe(result);
    if (result === 'FAIL') {
      expect(validated.diagnostics).toEqual([
        {
          severity: 'ERROR',
          code: 'SCHEMA_VALIDATION_FAILED',
          message: `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
          location: '/States/T/Resource',
        },
      ]);
    }
  });
});
