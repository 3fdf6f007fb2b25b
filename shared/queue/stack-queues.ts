import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DeadLetterRoute, ENGINE_QUEUES, type EngineQueue } from './dead-letters.ts';

/**
 * A deployed stack's queues, from its CloudFormation outputs (`TransitionsQueueUrl`,
 * `TransitionsDeadLetterQueueName`, … as infra/statefold-stack.ts declares them), in any of the forms the tools
 * write them: `npx cdk deploy --outputs-file` (`{"Statefold": {"TransitionsQueueUrl": …}}`),
 * `aws cloudformation describe-stacks` (`{"Stacks": [{"StackName", "Outputs": [{"OutputKey", "OutputValue"}]}]}`)
 * or its `--query 'Stacks[0].Outputs'` (the list alone).
 */
export interface StackQueue {
  queue: EngineQueue;
  sourceUrl: string;
  deadLetterName: string;
}

export class StackOutputsError extends Error {
  override name = 'StackOutputsError';
}

type Outputs = Record<string, string>;

export function stackQueuesFromOutputs(text: string, stackName?: string): StackQueue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StackOutputsError(`The stack outputs are not JSON: ${(error as Error).message}`);
  }
  const outputs = pickStack(stacksOf(parsed), stackName);
  return ENGINE_QUEUES.map((queue) => {
    const id = queue.charAt(0).toUpperCase() + queue.slice(1);
    const sourceUrl = outputs[`${id}QueueUrl`];
    const deadLetterName = outputs[`${id}DeadLetterQueueName`];
    if (sourceUrl === undefined || deadLetterName === undefined) {
      throw new StackOutputsError(
        `The stack outputs have no ${id}QueueUrl and ${id}DeadLetterQueueName: is this a Statefold stack?`,
      );
    }
    return { queue, sourceUrl, deadLetterName };
  });
}

/** Each stack queue with its dead-letter queue's URL (GetQueueUrl by name, in the client's account and region). */
export async function resolveStackRoutes(
  client: SQSClient,
  queues: readonly StackQueue[],
): Promise<DeadLetterRoute[]> {
  return Promise.all(
    queues.map(async ({ queue, sourceUrl, deadLetterName }) => {
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: deadLetterName }));
      if (QueueUrl === undefined)
        throw new StackOutputsError(`GetQueueUrl ${deadLetterName} returned no URL`);
      return { queue, sourceUrl, deadLetterUrl: QueueUrl };
    }),
  );
}

function stacksOf(parsed: unknown): Map<string, Outputs> {
  const stacks = new Map<string, Outputs>();
  if (Array.isArray(parsed)) {
    stacks.set('', outputList(parsed));
  } else if (isRecord(parsed) && Array.isArray(parsed.Stacks)) {
    for (const stack of parsed.Stacks) {
      if (isRecord(stack) && Array.isArray(stack.Outputs)) {
        stacks.set(String(stack.StackName ?? ''), outputList(stack.Outputs));
      }
    }
  } else if (isRecord(parsed)) {
    for (const [name, outputs] of Object.entries(parsed)) {
      if (!isRecord(outputs)) continue;
      const strings: Outputs = {};
      for (const [key, value] of Object.entries(outputs)) if (typeof value === 'string') strings[key] = value;
      stacks.set(name, strings);
    }
  }
  return stacks;
}

function outputList(list: unknown[]): Outputs {
  const outputs: Outputs = {};
  for (const entry of list) {
    if (isRecord(entry) && typeof entry.OutputKey === 'string' && typeof entry.OutputValue === 'string') {
      outputs[entry.OutputKey] = entry.OutputValue;
    }
  }
  return outputs;
}

function pickStack(stacks: Map<string, Outputs>, stackName: string | undefined): Outputs {
  if (stackName !== undefined) {
    const named = stacks.get(stackName) ?? (stacks.size === 1 ? stacks.get('') : undefined);
    if (!named) {
      throw new StackOutputsError(
        `The stack outputs have no stack '${stackName}' (they have: ${[...stacks.keys()].join(', ') || 'none'})`,
      );
    }
    return named;
  }
  if (stacks.size === 1) return [...stacks.values()][0] as Outputs;
  const statefold = stacks.get('Statefold');
  if (statefold) return statefold;
  throw new StackOutputsError(
    `The stack outputs hold ${stacks.size} stacks (${[...stacks.keys()].join(', ')}): name one with --stack`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
