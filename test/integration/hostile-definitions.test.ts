import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  InvalidDefinition,
  InvalidExecutionInput,
  ListStateMachinesCommand,
  StartExecutionCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { until } from '../support/eventually.ts';
import { localServerPerFile } from '../support/local-server-per-file.ts';
import { waitForClosedExecution } from '../support/sfn-client.ts';
import { thrown } from '../support/thrown.ts';

/**
 * Definitions and inputs written to hurt the engine, through the local server's API with the AWS SDK: each
 * gets AWS's answer (a 400, or an execution that fails with AWS's error), and the server goes on serving
 * everyone else meanwhile. Also: the engine's own services are not reachable from the network, and a
 * request naming another host (DNS rebinding) is refused.
 */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';

const local = localServerPerFile('statefold-hostile-');

let sequence = 0;

async function createMachine(definition: object | string): Promise<string> {
  const { stateMachineArn } = await local.sfn.send(
    new CreateStateMachineCommand({
      name: `hostile-${++sequence}`,
      definition: typeof definition === 'string' ? definition : JSON.stringify(definition),
      roleArn: ROLE,
    }),
  );
  return stateMachineArn as string;
}

async function start(definition: object, input: unknown = {}): Promise<string> {
  const stateMachineArn = await createMachine(definition);
  const { executionArn } = await local.sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  return executionArn as string;
}

const jsonataPass = (expression: string) => ({
  QueryLanguage: 'JSONata',
  StartAt: 'P',
  States: { P: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } },
});
const jsonPathPass = (parameters: object) => ({
  StartAt: 'P',
  States: { P: { Type: 'Pass', Parameters: parameters, End: true } },
});

describe('a JSONata evaluation that never ends', () => {
  it('fails its state with States.QueryEvaluationError; meanwhile the API answers and a normal execution finishes', async () => {
    // A first state of its own, so the evaluation is the step handler's from its first step (a first state
    // this expensive is left to the step handler too, once it runs past StartExecution's allowance).
    const hostile = await start({
      QueryLanguage: 'JSONata',
      StartAt: 'Begin',
      States: {
        Begin: { Type: 'Pass', Next: 'Loop' },
        Loop: { Type: 'Pass', Output: '{% ( $f := function($x){ $f($x + 1) }; $f(0) ) %}', End: true },
      },
    });
    // Its step is being evaluated once the step handler holds its message (in flight on the transitions queue).
    await until('the hostile step to be received', async () => {
      const { Attributes } = await local.server.engine.sqs.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: local.server.engine.sqs.urls.transitions,
          AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Number(Attributes?.ApproximateNumberOfMessagesNotVisible) > 0 ? true : undefined;
    });
    // While the hostile evaluation runs (it yields to the event loop), the API keeps answering: without the
    // yields a call would wait for the whole evaluation (5 s and more).
    const answeredIn: number[] = [];
    for (let i = 0; i < 5; i++) {
      const began = performance.now();
      await local.sfn.send(new ListStateMachinesCommand({}));
      answeredIn.push(performance.now() - began);
    }
    expect(Math.max(...answeredIn)).toBeLessThan(2_500);
    const normal = await start(jsonataPass('$states.input.n + 1'), { n: 41 });
    const normalResult = await waitForClosedExecution(local.sfn, normal);
    const hostileThen = await local.sfn.send(new DescribeExecutionCommand({ executionArn: hostile }));
    expect(normalResult).toMatchObject({ status: 'SUCCEEDED', output: '42' });
    // The normal execution did not wait for the hostile one's evaluation to end.
    expect(hostileThen.status).toBe('RUNNING');
    // The budget counts evaluation steps, not seconds: about 6 s alone, several times that beside other test files.
    const hostileResult = await until(
      'the hostile execution to close',
      async () => {
        const described = await local.sfn.send(new DescribeExecutionCommand({ executionArn: hostile }));
        return described.status === 'RUNNING' ? undefined : described;
      },
      { timeoutMs: 90_000 },
    );
    expect(hostileResult).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(hostileResult.cause).toContain('Expression evaluation timeout: Check for infinite loop');
  }, 120_000);

  it('as the first state: StartExecution answers at once and the step handler decides it', async () => {
    // Seconds of evaluation (two arrays of 300,000 elements, each element several steps; within the bound).
    const stateMachineArn = await createMachine(
      jsonataPass('$sum([1..300000].($ * 2)) + $sum([1..300000].($ * 3))'),
    );
    const began = performance.now();
    const { executionArn } = await local.sfn.send(new StartExecutionCommand({ stateMachineArn }));
    // About 50 ms alone; the bound leaves room for a loaded machine. What shows the start did not decide the
    // state, whatever the load: its history is ExecutionStarted alone when the call returns (the state's
    // events come in one commit, seconds of evaluation later).
    expect(performance.now() - began).toBeLessThan(2_000);
    const { events: atStart = [] } = await local.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(atStart.map((e) => e.type)).toEqual(['ExecutionStarted']);
    const result = await until(
      'the execution to close',
      async () => {
        const described = await local.sfn.send(new DescribeExecutionCommand({ executionArn }));
        return described.status === 'RUNNING' ? undefined : described;
      },
      { timeoutMs: 60_000 },
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '225000750000' });
    // The history is the one of a first state decided inside StartExecution (a cheap one).
    const cheap = await start(jsonataPass('$sum([1..3].($ * 2))'));
    await waitForClosedExecution(local.sfn, cheap);
    const shape = async (arn: string) => {
      const { events = [] } = await local.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
      return events.map((e) => [e.id, e.previousEventId, e.type]);
    };
    expect(await shape(executionArn as string)).toEqual(await shape(cheap));
    expect(await shape(cheap)).toHaveLength(4);
  }, 90_000);

  it.each([
    {
      title: 'a string built past the payload quota',
      expression: '$length($string([1..10000000]))',
      cause: 'Expression evaluation memory limit exceeded',
    },
    {
      title: 'a recursion that is not a tail call',
      expression: '( $f := function($x){ 1 + $f($x) }; $f(0) )',
      cause: 'Stack overflow error',
    },
    {
      title: 'a loop that copies a growing array',
      expression: '$count($reduce([1..300000], function($a, $x){ $append($a, [$x, $x]) }, []))',
      cause: 'Expression evaluation',
    },
    {
      title: 'a catastrophic-backtracking regex (linear on RE2)',
      expression: `$contains("${'a'.repeat(5_000)}b", /(a+)+$/)`,
      output: 'false',
    },
  ])('$title: answered at once', async ({ expression, cause, output }) => {
    const began = performance.now();
    const result = await waitForClosedExecution(local.sfn, await start(jsonataPass(expression)));
    if (output !== undefined) {
      expect(result).toMatchObject({ status: 'SUCCEEDED', output });
    } else {
      expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
      expect(result.cause).toContain(cause);
    }
    expect(performance.now() - began).toBeLessThan(5_000);
    // Nothing was built past its bound: before the bounds, the first case alone grew the process by 1.5 GB.
    expect(process.memoryUsage().rss).toBeLessThan(1024 ** 3);
  });

  it('a JSONata Map over a million items fails before any iteration, and the execution answers Describe', async () => {
    const executionArn = await start({
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Items: '{% [1..1000000] %}',
          ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    });
    const result = await waitForClosedExecution(local.sfn, executionArn);
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(result.cause).toContain('memory limit exceeded');
  });
});

describe('JSONPath filters and intrinsics', () => {
  it('a filter that calls a JavaScript method is an InvalidDefinition at creation', async () => {
    const error = await thrown(createMachine(jsonPathPass({ 'r.$': "$.r[?(@.k.toUpperCase() == 'A')]" })));
    expect(error).toBeInstanceOf(InvalidDefinition);
    expect((error as Error).message).toContain('SCHEMA_VALIDATION_FAILED');
  });

  it('a JSONata regex RE2 cannot run is refused at creation and by ValidateStateMachineDefinition, naming its state and field', async () => {
    const definition = jsonataPass('$match($states.input.s, /(a)\\1/)');
    const error = await thrown(createMachine(definition));
    expect(error).toBeInstanceOf(InvalidDefinition);
    expect((error as Error).message).toContain('INVALID_JSONATA_EXPRESSION');
    expect((error as Error).message).toContain('/States/P/Output');
    expect((error as Error).message).toContain('The regular expression /(a)\\1/');
    const validation = await local.sfn.send(
      new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(definition) }),
    );
    expect(validation.result).toBe('FAIL');
    expect(validation.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'ERROR',
        code: 'INVALID_JSONATA_EXPRESSION',
        location: '/States/P/Output',
        message: expect.stringContaining('RE2'),
      }),
    ]);
  });

  it('=~ matches the whole string as Jayway does, on RE2: a backtracking pattern over a long string is answered at once', async () => {
    const executionArn = await start(
      jsonPathPass({ 'hit.$': '$.r[?(@.k =~ /a.*c/)].k', 'none.$': '$.r[?(@.s =~ /(a+)+$/)]' }),
      { r: [{ k: 'abc', s: `${'a'.repeat(20_000)}b` }, { k: 'abd' }] },
    );
    const result = await waitForClosedExecution(local.sfn, executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output as string)).toEqual({ hit: ['abc'], none: [] });
  });

  it.each([
    { call: 'States.ArrayRange(1, 100000000, 1)', error: 'States.Runtime' },
    {
      call: `States.Format('${'{}'.repeat(50)}', ${Array(50).fill('$.s').join(', ')})`,
      error: 'States.DataLimitExceeded',
    },
  ])('$call fails fast with $error', async ({ call, error }) => {
    const result = await waitForClosedExecution(
      local.sfn,
      await start(jsonPathPass({ 'a.$': call }), { s: 'x'.repeat(100_000) }),
    );
    expect(result).toMatchObject({ status: 'FAILED', error });
  });
});

describe('deep JSON is a 400', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('an input nested 5,000 levels deep is an InvalidExecutionInput; 900 levels run', async () => {
    const stateMachineArn = await createMachine(jsonPathPass({ 'ok.$': '$' }));
    const error = await thrown(
      local.sfn.send(new StartExecutionCommand({ stateMachineArn, input: nested(5_000) })),
    );
    expect(error).toBeInstanceOf(InvalidExecutionInput);
    expect((error as Error).message).toContain(
      'Document nesting depth (1001) exceeds the maximum allowed (1000',
    );
    const { executionArn } = await local.sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: nested(900) }),
    );
    expect((await waitForClosedExecution(local.sfn, executionArn as string)).status).toBe('SUCCEEDED');
  });

  it('a definition nested 20,000 levels deep is an InvalidDefinition', async () => {
    const definition = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":${nested(20_000)},"End":true}}}`;
    const error = await thrown(createMachine(definition));
    expect(error).toBeInstanceOf(InvalidDefinition);
    expect((error as Error).message).toContain('Document nesting depth');
  });
});

describe("the engine's own parts", () => {
  const nonLoopback = Object.values(networkInterfaces())
    .flat()
    .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
    .map((address) => address?.address as string);

  const reachable = (host: string, port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });

  it('the embedded SQS and DynamoDB listen on 127.0.0.1 only', async () => {
    expect(local.server.engine.sqs.listenAddress).toBe(local.server.engine.sqs.endpoint);
    for (const endpoint of [local.server.engine.sqs.endpoint, local.server.engine.dynamodb.endpoint]) {
      const { hostname, port } = new URL(endpoint);
      expect(hostname).toBe('127.0.0.1');
      expect(await reachable('127.0.0.1', Number(port))).toBe(true);
      for (const address of nonLoopback) expect(await reachable(address, Number(port))).toBe(false);
    }
  });

  const post = (host: string) =>
    new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port: local.server.port,
          method: 'POST',
          path: '/',
          headers: {
            host,
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': 'AWSStepFunctions.ListStateMachines',
          },
        },
        (response) => {
          let body = '';
          response.on('data', (chunk) => {
            body += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode, body }));
        },
      );
      request.on('error', reject);
      request.end('{}');
    });

  it.each([
    { host: 'attacker.example', status: 403 },
    { host: 'attacker.example:PORT', status: 403 },
    { host: '127.0.0.1:1', status: 403 },
    { host: '127.0.0.1:PORT', status: 200 },
    { host: 'localhost:PORT', status: 200 },
    { host: 'sync-localhost:PORT', status: 200 },
  ])('a request with Host $host answers $status', async ({ host, status }) => {
    const answer = await post(host.replace('PORT', String(local.server.port)));
    expect(answer.status).toBe(status);
    if (status === 403) expect(JSON.parse(answer.body).__type).toBe('AccessDeniedException');
  });
});
