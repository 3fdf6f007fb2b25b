import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../../shared/engine/api/handle-api-request.ts';
import { createMemoryEngine } from '../../support/memory-ports.ts';
import { apiGatewayEvent, createApiCaller, type EventOptions, JSON_1_0 } from './api-events.ts';

/**
 * The wire protocol around the operations: what a request must look like (POST /, JSON 1.0 content type,
 * an AWSStepFunctions target, a JSON object body) and what a client gets when it does not: a 400 in AWS's
 * error shape that says what is wrong, never a 500.
 */

const LIST = { 'content-type': JSON_1_0, 'x-amz-target': 'AWSStepFunctions.ListStateMachines' };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a well-formed request', () => {
  it.each<[string, EventOptions]>([
    ['a JSON object body', { headers: LIST, body: '{}' }],
    ['an empty body (an empty input)', { headers: LIST, body: '' }],
    ['no body at all', { headers: LIST }],
    ['a base64-encoded body', { headers: LIST, body: '{"maxResults": 5}', base64: true }],
    [
      'header names in any case',
      { headers: { 'Content-Type': JSON_1_0, 'X-Amz-Target': LIST['x-amz-target'] } },
    ],
    ['a charset on the content type', { headers: { ...LIST, 'content-type': `${JSON_1_0}; charset=utf-8` } }],
  ])('with %s is served: 200, JSON 1.0 content type and a request id', async (_, options) => {
    const api = createApiCaller(() => createMemoryEngine().deps);
    const answer = await api.send(apiGatewayEvent(options));
    expect(answer).toMatchObject({ status: 200, body: { stateMachines: [] } });
    expect(answer.headers['content-type']).toBe(JSON_1_0);
    expect(answer.headers['x-amzn-requestid']).toEqual(expect.any(String));
  });
});

describe('a malformed request gets a 400 that says what is wrong', () => {
  const code = (name: string) => ({ __type: `com.amazon.coral.service#${name}` });
  it.each<[string, unknown, object, RegExp]>([
    [
      'a GET',
      apiGatewayEvent({ method: 'GET', headers: LIST }),
      code('UnknownOperationException'),
      /POST \//,
    ],
    [
      'another path',
      apiGatewayEvent({ path: '/executions', headers: LIST }),
      code('UnknownOperationException'),
      /POST \//,
    ],
    [
      'no content type',
      apiGatewayEvent({ headers: { 'x-amz-target': LIST['x-amz-target'] } }),
      code('UnknownOperationException'),
      /Content-Type: application\/x-amz-json-1\.0, not \(none\)/,
    ],
    [
      'application/json',
      apiGatewayEvent({ headers: { ...LIST, 'content-type': 'application/json' } }),
      code('UnknownOperationException'),
      /not application\/json/,
    ],
    [
      'no target',
      apiGatewayEvent({ headers: { 'content-type': JSON_1_0 } }),
      code('UnknownOperationException'),
      /X-Amz-Target/,
    ],
    [
      "another service's target",
      apiGatewayEvent({ headers: { ...LIST, 'x-amz-target': 'DynamoDB_20120810.ListTables' } }),
      code('UnknownOperationException'),
      /DynamoDB_20120810\.ListTables/,
    ],
    [
      'an operation Statefold does not serve',
      apiGatewayEvent({ headers: { ...LIST, 'x-amz-target': 'AWSStepFunctions.NoSuchOperation' } }),
      code('UnknownOperationException'),
      /Unknown operation: 'AWSStepFunctions\.NoSuchOperation'/,
    ],
    [
      'an inherited property as the operation',
      apiGatewayEvent({ headers: { ...LIST, 'x-amz-target': 'AWSStepFunctions.toString' } }),
      code('UnknownOperationException'),
      /Unknown operation/,
    ],
    [
      'a body that is not JSON',
      apiGatewayEvent({ headers: LIST, body: '{"maxResults":' }),
      code('SerializationException'),
      /not JSON/,
    ],
    [
      'a JSON array body',
      apiGatewayEvent({ headers: LIST, body: '[]' }),
      code('SerializationException'),
      /JSON object/,
    ],
    [
      'a JSON string body',
      apiGatewayEvent({ headers: LIST, body: '"x"' }),
      code('SerializationException'),
      /JSON object/,
    ],
    [
      'a JSON null body',
      apiGatewayEvent({ headers: LIST, body: 'null' }),
      code('SerializationException'),
      /JSON object/,
    ],
    [
      'an event without a request context',
      { headers: LIST, body: '{}' },
      code('UnknownOperationException'),
      /no method/,
    ],
    ['an empty event', {}, code('UnknownOperationException'), /no method/],
    ['no event at all', undefined, code('UnknownOperationException'), /no method/],
  ])('%s', async (_, event, type, message) => {
    const api = createApiCaller(() => createMemoryEngine().deps);
    const answer = await api.send(event);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject(type);
    expect(answer.body.message).toMatch(message);
    expect(answer.headers['content-type']).toBe(JSON_1_0);
  });

  it('a body over the request size limit is refused before it is parsed', async () => {
    const api = createApiCaller(() => createMemoryEngine().deps);
    const body = JSON.stringify({ maxResults: 1, padding: 'x'.repeat(MAX_REQUEST_BYTES) });
    const answer = await api.send(apiGatewayEvent({ headers: LIST, body }));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: `The request body is ${body.length} bytes, over the ${MAX_REQUEST_BYTES}-byte limit of a Step Functions request`,
    });
  });
});

describe('JSON types that do not match the model', () => {
  it.each<[string, object, string]>([
    [
      'a number for a string',
      { name: 5, definition: '{}', roleArn: 'r' },
      "Expected a string at 'name', found a number",
    ],
    [
      'an object for a string',
      { name: {}, definition: '{}', roleArn: 'r' },
      "Expected a string at 'name', found an object",
    ],
    [
      'a string for a list',
      { name: 'n', definition: '{}', roleArn: 'r', tags: 'a' },
      "Expected a list at 'tags', found a string",
    ],
    [
      'a number for a nested boolean',
      { name: 'n', definition: '{}', roleArn: 'r', tracingConfiguration: { enabled: 1 } },
      "Expected a boolean at 'tracingConfiguration.enabled', found a number",
    ],
    [
      'a list member of the wrong type',
      { name: 'n', definition: '{}', roleArn: 'r', tags: [{ key: true }] },
      "Expected a string at 'tags.1.member.key', found a boolean",
    ],
  ])('are a SerializationException: %s', async (_, input, message) => {
    const api = createApiCaller(() => createMemoryEngine().deps);
    expect(await api.call('CreateStateMachine', input)).toEqual({
      status: 400,
      headers: expect.anything(),
      body: { __type: 'com.amazon.coral.service#SerializationException', message },
    });
  });

  it('a fraction where the model has an integer is a SerializationException', async () => {
    const api = createApiCaller(() => createMemoryEngine().deps);
    const answer = await api.call('ListStateMachines', { maxResults: 1.5 });
    expect(answer.body).toEqual({
      __type: 'com.amazon.coral.service#SerializationException',
      message: "Expected an integer at 'maxResults', found a number",
    });
  });

  it('null members count as absent and unknown members are ignored', async () => {
    const api = createApiCaller(() => createMemoryEngine().deps);
    const answer = await api.call('ListStateMachines', { maxResults: null, nextToken: null, extra: [1] });
    expect(answer).toMatchObject({ status: 200, body: { stateMachines: [] } });
  });
});

describe('a fault of Statefold itself', () => {
  it('is a 500 InternalFailure with a generic message; the details go to the log', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { deps, log } = createMemoryEngine();
    log.listStateMachines = () => Promise.reject(new Error('table is on fire'));
    const api = createApiCaller(() => deps);
    const answer = await api.call('ListStateMachines', {});
    expect(answer.status).toBe(500);
    expect(answer.body.__type).toBe('com.amazon.coral.service#InternalFailure');
    expect(answer.body.message).not.toMatch(/fire/);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('table is on fire'));
  });

  it('includes deps that cannot be built (a missing environment variable)', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const api = createApiCaller(() => {
      throw new Error('environment variable STATEFOLD_TABLE is not set');
    });
    const answer = await api.call('ListStateMachines', {});
    expect(answer.status).toBe(500);
    expect(answer.body.__type).toBe('com.amazon.coral.service#InternalFailure');
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('STATEFOLD_TABLE'));
  });
});
