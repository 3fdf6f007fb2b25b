import { expect } from 'vitest';
import type { LambdaHandler } from '../../../shared/integrations/local-functions.ts';
import type { ConformanceCase } from '../conformance-case.ts';

/**
 * The execution as a whole: the machine-level TimeoutSeconds, the context object `$$`, ARNs, and the history's
 * ids and links. Sources: AWS docs (input-output-contextobject: `$$` members; the state machine TimeoutSeconds:
 * States.Timeout, status TIMED_OUT), LocalStack's AWS-recorded snapshots `v2/context_object/test_context_object`
 * (`$$` shape and member order, research note §14), `test_lambda_service_invoke_with_retry_extended_input`
 * (`$$.State.RetryCount` in a Task, §11), `v2/timeouts/test_timeouts` `test_global_timeout` (§13), and the id and
 * previousEventId rules seen in every recording (AWS: GetExecutionHistory).
 */

const START = Date.UTC(2026, 0, 1);
const INVOKE = 'arn:aws:states:::lambda:invoke';
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:Conformance:case';
const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:Conformance';

/**
 * A context-object timestamp at a whole second after the start. AWS prints ISO 8601; whether it shows `.000`
 * for a whole second is unverified, so both forms pass.
 */
const at = (seconds: number) => {
  const iso = new Date(START + seconds * 1000).toISOString().slice(0, 19);
  return expect.stringMatching(new RegExp(`^${iso}(\\.0+)?Z$`));
};
const ROLE_ARN = expect.stringMatching(/^arn:aws:iam::123456789012:role\/.+$/);
/** The same timestamp, inside JSON text. */
const atText = (seconds: number) => `${new Date(START + seconds * 1000).toISOString().slice(0, 19)}(\\.0+)?Z`;

const never = () => new Promise(() => {});
const alwaysFails: LambdaHandler = () => {
  throw Object.assign(new Error('no'), { name: 'Flaky' });
};

export const executionCases: ConformanceCase[] = [
  // ---- machine-level TimeoutSeconds ----
  {
    name: 'a Wait longer than the machine TimeoutSeconds times the execution out with States.Timeout',
    definition: { TimeoutSeconds: 5, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } },
    expected: { status: 'TIMED_OUT', error: 'States.Timeout' },
    events: ['ExecutionStarted', 'WaitStateEntered', 'ExecutionTimedOut'],
    eventDetails: { 3: { type: 'ExecutionTimedOut', timestamp: new Date(START + 5000) } },
    durationMs: 5000,
  },
  {
    name: 'an execution that ends before the machine TimeoutSeconds succeeds',
    definition: { TimeoutSeconds: 10, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3, End: true } } },
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: { a: 1 } },
    events: ['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'ExecutionSucceeded'],
    durationMs: 3000,
  },
  {
    name: 'the machine timeout counts from the start of the execution, not from the current state',
    definition: {
      TimeoutSeconds: 5,
      StartAt: 'W1',
      States: { W1: { Type: 'Wait', Seconds: 3, Next: 'W2' }, W2: { Type: 'Wait', Seconds: 3, End: true } },
    },
    expected: { status: 'TIMED_OUT', error: 'States.Timeout' },
    events: [
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'WaitStateEntered',
      'ExecutionTimedOut',
    ],
    durationMs: 5000,
  },
  {
    name: 'the machine timeout ends an execution waiting out a retry interval',
    definition: {
      TimeoutSeconds: 5,
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: INVOKE,
          Parameters: { FunctionName: 'flaky' },
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 60 }],
          End: true,
        },
      },
    },
    functions: { flaky: alwaysFails },
    expected: { status: 'TIMED_OUT', error: 'States.Timeout' },
    durationMs: 5000,
  },
  {
    name: 'the machine timeout ends an execution whose task never answers',
    definition: {
      TimeoutSeconds: 3,
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: 'hang' }, End: true } },
    },
    functions: { hang: never },
    expected: { status: 'TIMED_OUT', error: 'States.Timeout' },
    durationMs: 3000,
  },

  // ---- the context object ----
  {
    name: 'InputPath $$ in a Pass state gives the whole context object, with no RetryCount in State',
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', InputPath: '$$', End: true } } },
    input: { a: 1 },
    expected: {
      status: 'SUCCEEDED',
      output: {
        Execution: {
          Id: EXECUTION_ARN,
          Input: { a: 1 },
          StartTime: at(0),
          Name: 'case',
          RoleArn: ROLE_ARN,
          RedriveCount: 0,
        },
        StateMachine: { Id: STATE_MACHINE_ARN, Name: 'Conformance' },
        State: { Name: 'P', EnteredTime: at(0) },
      },
    },
  },
  {
    name: 'the context object members come in AWS order: Execution, StateMachine, State',
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', InputPath: '$$', End: true } } },
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: expect.objectContaining({ State: expect.anything() }) },
    eventDetails: {
      4: {
        type: 'ExecutionSucceeded',
        executionSucceededEventDetails: {
          output: expect.stringMatching(
            new RegExp(
              `^\\{"Execution":\\{"Id":"${EXECUTION_ARN}","Input":\\{"a":1\\},"StartTime":"${atText(0)}","Name":"case",` +
                `"RoleArn":"arn:aws:iam::123456789012:role/[^"]+","RedriveCount":0\\},` +
                `"StateMachine":\\{"Id":"${STATE_MACHINE_ARN}","Name":"Conformance"\\},` +
                `"State":\\{"Name":"P","EnteredTime":"${atText(0)}"\\}\\}$`,
            ),
          ),
        },
      },
    },
  },
  {
    name: 'the context object of a Task state has State.RetryCount 0 on the first attempt',
    definition: {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: INVOKE,
          Parameters: { FunctionName: 'echo', 'Payload.$': '$$' },
          OutputPath: '$.Payload',
          End: true,
        },
      },
    },
    input: { b: 2 },
    functions: { echo: (event) => event },
    expected: {
      status: 'SUCCEEDED',
      output: {
        Execution: {
          Id: EXECUTION_ARN,
          Input: { b: 2 },
          StartTime: at(0),
          Name: 'case',
          RoleArn: ROLE_ARN,
          RedriveCount: 0,
        },
        StateMachine: { Id: STATE_MACHINE_ARN, Name: 'Conformance' },
        State: { Name: 'T', EnteredTime: at(0), RetryCount: 0 },
      },
    },
  },
  {
    name: 'a Task retried twice sees State.RetryCount 2 and its original EnteredTime',
    definition: {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: INVOKE,
          Parameters: { FunctionName: 'third', 'Payload.$': '$$.State' },
          OutputPath: '$.Payload',
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, BackoffRate: 1 }],
          End: true,
        },
      },
    },
    functions: {
      third: (event) => {
        if ((event as { RetryCount: number }).RetryCount < 2) throw new Error('again');
        return event;
      },
    },
    expected: { status: 'SUCCEEDED', output: { Name: 'T', EnteredTime: at(0), RetryCount: 2 } },
    durationMs: 4000,
  },
  {
    name: '$$.Execution.Id is the execution ARN and $$.StateMachine names the state machine',
    definition: {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Pass',
          Parameters: {
            'id.$': '$$.Execution.Id',
            'name.$': '$$.Execution.Name',
            'sm.$': '$$.StateMachine.Id',
            'smName.$': '$$.StateMachine.Name',
          },
          End: true,
        },
      },
    },
    expected: {
      status: 'SUCCEEDED',
      output: { id: EXECUTION_ARN, name: 'case', sm: STATE_MACHINE_ARN, smName: 'Conformance' },
    },
  },
  {
    name: '$$.Execution.Input stays the execution input after states have changed the data',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Result: { replaced: true }, Next: 'B' },
        B: { Type: 'Pass', Parameters: { 'now.$': '$', 'original.$': '$$.Execution.Input' }, End: true },
      },
    },
    input: { first: [1, 2] },
    expected: { status: 'SUCCEEDED', output: { now: { replaced: true }, original: { first: [1, 2] } } },
  },
  {
    name: 'after a 10 s Wait the next state sees its own Name and EnteredTime, and the unchanged StartTime',
    definition: {
      StartAt: 'W',
      States: {
        W: { Type: 'Wait', Seconds: 10, Next: 'P' },
        P: {
          Type: 'Pass',
          Parameters: {
            'name.$': '$$.State.Name',
            'entered.$': '$$.State.EnteredTime',
            'start.$': '$$.Execution.StartTime',
          },
          End: true,
        },
      },
    },
    expected: { status: 'SUCCEEDED', output: { name: 'P', entered: at(10), start: at(0) } },
    durationMs: 10_000,
  },

  // ---- the history ----
  {
    name: 'event ids run 1, 2, 3… and each event links to the one before it on a straight path',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Next: 'W' },
        W: { Type: 'Wait', Seconds: 1, Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'S' }], Default: 'S' },
        S: { Type: 'Succeed' },
      },
    },
    input: { go: true },
    expected: { status: 'SUCCEEDED', output: { go: true } },
    events: [
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ],
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
      [7, 6],
      [8, 7],
      [9, 8],
      [10, 9],
    ],
  },
  {
    name: "the first state's Entered event has previousEventId 0, not ExecutionStarted's id",
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 2, End: true } } },
    expected: { status: 'SUCCEEDED', output: {} },
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
    ],
    eventDetails: {
      2: { type: 'WaitStateEntered', timestamp: new Date(START) },
      3: { type: 'WaitStateExited', timestamp: new Date(START + 2000) },
    },
  },
  {
    name: 'ExecutionStarted carries the execution input as JSON text',
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    input: { msg: 'hi', list: [1, { x: null }] },
    expected: { status: 'SUCCEEDED', output: { msg: 'hi', list: [1, { x: null }] } },
    eventDetails: {
      1: {
        type: 'ExecutionStarted',
        executionStartedEventDetails: {
          input: '{"msg":"hi","list":[1,{"x":null}]}',
          inputDetails: { truncated: false },
          roleArn: ROLE_ARN,
        },
      },
      2: { stateEnteredEventDetails: { name: 'P', input: '{"msg":"hi","list":[1,{"x":null}]}' } },
    },
  },
  {
    name: "ExecutionSucceeded carries the last state's output as JSON text and follows its Exited event",
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Result: { n: 1 }, ResultPath: '$.r', Next: 'B' },
        B: { Type: 'Pass', OutputPath: '$.r', End: true },
      },
    },
    input: { k: 'v' },
    expected: { status: 'SUCCEEDED', output: { n: 1 } },
    events: [
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
    ],
    eventDetails: {
      3: { stateExitedEventDetails: { name: 'A', output: '{"k":"v","r":{"n":1}}' } },
      6: { executionSucceededEventDetails: { output: '{"n":1}', outputDetails: { truncated: false } } },
    },
  },
  {
    name: 'events are stamped with the virtual clock: a Wait of 30 s ends the execution 30 s after its start',
    definition: {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 30, Next: 'P' }, P: { Type: 'Pass', End: true } },
    },
    expected: { status: 'SUCCEEDED', output: {} },
    eventDetails: {
      1: { timestamp: new Date(START) },
      3: { type: 'WaitStateExited', timestamp: new Date(START + 30_000) },
      6: { type: 'ExecutionSucceeded', timestamp: new Date(START + 30_000) },
    },
    durationMs: 30_000,
  },
];
