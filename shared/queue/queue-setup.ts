import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** Creating the engine's queues where no stack does (the local runtime's embedded SQS). */

/**
 * Creates the queue, or (a persisted queue from an earlier run) brings its changeable attributes to what
 * this run asked for; CreateQueue alone would refuse an existing queue whose attributes differ.
 */
export async function ensureQueue(
  client: SQSClient,
  name: string,
  fixed: Record<string, string>,
  changeable: Record<string, string>,
): Promise<string> {
  try {
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (QueueUrl !== undefined) {
      if (Object.keys(changeable).length > 0) {
        await client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: changeable }));
      }
      return QueueUrl;
    }
  } catch (error) {
    if (!(error instanceof QueueDoesNotExist)) throw error;
  }
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { ...fixed, ...changeable } }),
  );
  if (QueueUrl === undefined) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  return QueueUrl;
}

export async function queueArnOf(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`GetQueueAttributes ${queueUrl} returned no QueueArn`);
  return arn;
}
