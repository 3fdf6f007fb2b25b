import { describe, expect, it } from 'vitest';
import type { ServiceCallRequest } from '../../../shared/engine/ports.ts';
import { SdkServiceCalls } from '../../../shared/integrations/service-calls.ts';
import { exceptionName } from '../../../shared/integrations/service-errors.ts';

/**
 * The service-call adapter over fake client packages: what it sends (the request AWS's integration makes of
 * the state's parameters), what it answers (AWS's result shape) and how it names failures.
 */

interface Sent {
  command: string;
  input: unknown;
}

/** A client package whose `<Action>Command`s answer `respond(command, input)`. */
function fakePackage(
  client: string,
  commands: string[],
  respond: (command: string, input: unknown) => unknown,
) {
  const sent: Sent[] = [];
  const module: Record<string, unknown> = {
    [client]: class {
      middlewareStack = { add() {} };
      async send(command: { name: string; input: unknown }) {
        sent.push({ command: command.name, input: command.input });
        return respond(command.name, command.input);
      }
      destroy() {}
    },
  };
  for (const name of commands) {
    module[name] = class {
      name = name;
      input: unknown;
      constructor(input: unknown) {
        this.input = input;
      }
    };
  }
  return { module, sent };
}

const request = (fields: Partial<ServiceCallRequest>): ServiceCallRequest => ({
  service: 'events',
  action: 'putEvents',
  sdk: false,
  pattern: 'request-response',
  parameters: {},
  ...fields,
});

function callsOver(packages: Record<string, Record<string, unknown>>, endpoints?: Record<string, string>) {
  return new SdkServiceCalls({
    region: 'us-east-1',
    ...(endpoints ? { endpoints, requireEndpoint: true } : {}),
    importPackage: async (name) => {
      const found = packages[name];
      if (!found) throw new Error(`Cannot find package '${name}'`);
      return found;
    },
  });
}

describe('events:putEvents', () => {
  it.each([
    {
      when: 'every entry is accepted: the result is the response, Detail sent as JSON text',
      response: { Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0, $metadata: { httpStatusCode: 200 } },
      outcome: { ok: true, output: { Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0 } },
    },
    {
      when: 'an entry failed: EventBridge.FailedEntry, the response as the cause',
      response: {
        Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }],
        FailedEntryCount: 1,
        $metadata: { httpStatusCode: 200 },
      },
      outcome: {
        ok: false,
        error: 'EventBridge.FailedEntry',
        cause: '{"Entries":[{"ErrorCode":"InternalFailure","ErrorMessage":"x"}],"FailedEntryCount":1}',
      },
    },
  ])('$when', async ({ response, outcome }) => {
    const { module, sent } = fakePackage('EventBridgeClient', ['PutEventsCommand'], () => response);
    const calls = callsOver({ '@aws-sdk/client-eventbridge': module });
    const parameters = { Entries: [{ Source: 'shop', DetailType: 'OrderPlaced', Detail: { id: 1 } }] };
    expect(await calls.call(request({ parameters }))).toEqual(outcome);
    expect(sent).toEqual([
      {
        command: 'PutEventsCommand',
        input: { Entries: [{ Source: 'shop', DetailType: 'OrderPlaced', Detail: '{"id":1}' }] },
      },
    ]);
  });
});

describe('the AWS SDK form', () => {
  it('answers the output as JSON: dates as ISO text, bytes as base64, no $metadata', async () => {
    const { module } = fakePackage('SSMClient', ['GetParameterCommand'], () => ({
      Parameter: {
        Name: 'n',
        LastModifiedDate: new Date(Date.UTC(2026, 0, 2)),
        Blob: new Uint8Array([104, 105]),
      },
      Missing: undefined,
      $metadata: { httpStatusCode: 200, requestId: 'r' },
    }));
    const calls = callsOver({ '@aws-sdk/client-ssm': module });
    expect(
      await calls.call(
        request({ service: 'ssm', action: 'getParameter', sdk: true, parameters: { Name: 'n' } }),
      ),
    ).toEqual({
      ok: true,
      output: { Parameter: { Name: 'n', LastModifiedDate: '2026-01-02T00:00:00.000Z', Blob: 'aGk=' } },
    });
  });

  it.each([
    {
      when: 'the service answers an error: <Service>.<Error>Exception and a Java-v2-style cause',
      throws: Object.assign(new Error('Parameter not found.'), {
        name: 'ParameterNotFound',
        $metadata: { httpStatusCode: 400, requestId: 'req-1' },
      }),
      outcome: {
        ok: false,
        error: 'Ssm.ParameterNotFoundException',
        cause: 'Parameter not found. (Service: Ssm, Status Code: 400, Request ID: req-1)',
      },
    },
    {
      when: 'the call fails before reaching the service (not a network error): States.TaskFailed',
      throws: new TypeError('Cannot read the input'),
      outcome: {
        ok: false,
        error: 'States.TaskFailed',
        cause:
          'Statefold cannot call aws-sdk:ssm:getParameter: the call failed before reaching the service: Cannot read the input.',
      },
    },
  ])('$when', async ({ throws, outcome }) => {
    const { module } = fakePackage('SSMClient', ['GetParameterCommand'], () => {
      throw throws;
    });
    const calls = callsOver({ '@aws-sdk/client-ssm': module });
    expect(await calls.call(request({ service: 'ssm', action: 'getParameter', sdk: true }))).toEqual(outcome);
  });

  it('a connection refused is thrown, for the task handler to retry', async () => {
    const { module } = fakePackage('SSMClient', ['GetParameterCommand'], () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    const calls = callsOver({ '@aws-sdk/client-ssm': module });
    await expect(calls.call(request({ service: 'ssm', action: 'getParameter', sdk: true }))).rejects.toThrow(
      'ECONNREFUSED',
    );
  });

  it.each([
    {
      when: 'its client package is not installed',
      fields: { service: 'kinesis', action: 'putRecord' },
      endpoints: undefined,
      cause:
        'Statefold cannot call aws-sdk:kinesis:putRecord: the AWS SDK client package @aws-sdk/client-kinesis is not installed (npm install @aws-sdk/client-kinesis).',
    },
    {
      when: 'its client has no such command',
      fields: { service: 'ssm', action: 'getNothing' },
      endpoints: undefined,
      cause:
        "Statefold cannot call aws-sdk:ssm:getNothing: @aws-sdk/client-ssm has no command for 'getNothing'.",
    },
    {
      when: 'endpoints are required and none is configured for it',
      fields: { service: 'ssm', action: 'getParameter' },
      endpoints: { dynamodb: 'http://127.0.0.1:1' },
      cause:
        'Statefold cannot call aws-sdk:ssm:getParameter: no endpoint is configured for ssm (set integrations.endpoints.ssm in the config).',
    },
  ])(
    'a service that cannot be called fails with States.TaskFailed when $when',
    async ({ fields, endpoints, cause }) => {
      const { module } = fakePackage('SSMClient', ['GetParameterCommand'], () => ({}));
      const calls = callsOver({ '@aws-sdk/client-ssm': module }, endpoints);
      expect(await calls.call(request({ ...fields, sdk: true }))).toEqual({
        ok: false,
        error: 'States.TaskFailed',
        cause,
      });
    },
  );
});

describe("AWS's exception names", () => {
  it.each([
    ['NoSuchKey', 'NoSuchKeyException'],
    ['ResourceNotFoundException', 'ResourceNotFoundException'],
    ['AWS.SimpleQueueService.NonExistentQueue', 'NonExistentQueueException'],
    ['InternalServiceFault', 'InternalServiceException'],
  ])('%s becomes %s', (code, name) => {
    expect(exceptionName(code)).toBe(name);
  });
});
