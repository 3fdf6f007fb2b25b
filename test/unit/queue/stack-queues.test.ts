import { describe, expect, it } from 'vitest';
import { StackOutputsError, stackQueuesFromOutputs } from '../../../shared/queue/stack-queues.ts';

const URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111';
const OUTPUTS = {
  ApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
  TransitionsQueueUrl: `${URL}/Statefold-Transitions.fifo`,
  TransitionsDeadLetterQueueName: 'Statefold-TransitionsDlq.fifo',
  TasksQueueUrl: `${URL}/Statefold-Tasks`,
  TasksDeadLetterQueueName: 'Statefold-TasksDlq',
  TimersQueueUrl: `${URL}/Statefold-Timers`,
  TimersDeadLetterQueueName: 'Statefold-TimersDlq',
};
const asList = Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
const EXPECTED = [
  {
    queue: 'transitions',
    sourceUrl: OUTPUTS.TransitionsQueueUrl,
    deadLetterName: OUTPUTS.TransitionsDeadLetterQueueName,
  },
  { queue: 'tasks', sourceUrl: OUTPUTS.TasksQueueUrl, deadLetterName: OUTPUTS.TasksDeadLetterQueueName },
  { queue: 'timers', sourceUrl: OUTPUTS.TimersQueueUrl, deadLetterName: OUTPUTS.TimersDeadLetterQueueName },
];

describe('stackQueuesFromOutputs', () => {
  it.each([
    ['`cdk deploy --outputs-file`', { Statefold: OUTPUTS }, undefined],
    ['`cdk deploy --outputs-file` of several stacks, one named', { Other: {}, Mine: OUTPUTS }, 'Mine'],
    [
      '`cdk deploy --outputs-file` of several stacks, one of them Statefold',
      { Other: {}, Statefold: OUTPUTS },
      undefined,
    ],
    [
      '`aws cloudformation describe-stacks`',
      { Stacks: [{ StackName: 'Statefold', Outputs: asList }] },
      'Statefold',
    ],
    ["its --query 'Stacks[0].Outputs'", asList, undefined],
  ])('reads %s', (_form, outputs, stack) => {
    expect(stackQueuesFromOutputs(JSON.stringify(outputs), stack)).toEqual(EXPECTED);
  });

  it.each([
    ['text that is not JSON', 'nope', undefined, /not JSON/],
    ['a stack that is not there', JSON.stringify({ A: OUTPUTS }), 'B', /no stack 'B' \(they have: A\)/],
    [
      'outputs without the queues',
      JSON.stringify({ A: { ApiUrl: 'x' } }),
      undefined,
      /no TransitionsQueueUrl/,
    ],
  ])('refuses %s', (_case, text, stack, message) => {
    expect(() => stackQueuesFromOutputs(text, stack)).toThrow(StackOutputsError);
    expect(() => stackQueuesFromOutputs(text, stack)).toThrow(message);
  });
});
