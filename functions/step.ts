import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { applyMessage, applyTransition } from '../shared/engine/apply-transition.ts';
import { type EngineDeps, withBufferedSends } from '../shared/engine/engine-deps.ts';
import { engineDepsFromEnvironment, maxReceiveCountFromEnvironment } from '../shared/engine/environment.ts';
import { decodeTransitionEnvelope } from '../shared/queue/envelope-codec.ts';
import { processSqsBatch, receiveCountOf } from '../shared/queue/sqs-batch.ts';

/**
 * The step handler: one transition message applies one ASL state of one execution (FIFO queue, one message
 * group per execution). A message that keeps failing fails its execution on its last delivery, with the reason
 * as the cause, then goes to the dead-letter queue: an execution never stays RUNNING behind a poison message.
 */
export function createStepHandler(getDeps: () => EngineDeps, maxReceiveCount: number) {
  return middy<SQSEvent, SQSBatchResponse>().handler((event) =>
    withBufferedSends(getDeps(), (deps) =>
      processSqsBatch(event, (record) => handleRecord(deps, record, maxReceiveCount)),
    ),
  );
}

async function handleRecord(deps: EngineDeps, record: SQSRecord, maxReceiveCount: number): Promise<void> {
  try {
    const envelope = decodeTransitionEnvelope(record.body);
    const outcome = await applyTransition(deps, envelope);
    // Nothing is sent for an execution before its first commit is stored, so no retry can make this one apply.
    if (outcome.kind === 'missing') {
      console.warn(
        JSON.stringify({
          level: 'WARN',
          message: 'Dropped a transition for an execution that does not exist',
          executionArn: envelope.executionArn,
          id: envelope.id,
        }),
      );
    }
  } catch (error) {
    if (receiveCountOf(record) >= maxReceiveCount) await giveUp(deps, record, error);
    throw error;
  }
}

async function giveUp(deps: EngineDeps, record: SQSRecord, error: unknown): Promise<void> {
  const executionArn = executionArnOf(record.body);
  if (executionArn === undefined) return;
  const reason = error instanceof Error ? error.message : String(error);
  await applyMessage(deps, executionArn, 'poison', {
    type: 'fail',
    error: 'States.Runtime',
    cause: `Statefold could not apply a transition message (SQS message ${record.messageId}) after ${receiveCountOf(record)} attempts and moved it to the dead-letter queue: ${reason}`,
  }).catch(() => undefined);
}

/** The execution a message is for, when its body says so even if the rest of it is unreadable. */
function executionArnOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { executionArn?: unknown };
    return typeof parsed.executionArn === 'string' ? parsed.executionArn : undefined;
  } catch {
    return undefined;
  }
}

let deps: EngineDeps | undefined;
export const handler = createStepHandler(
  () => (deps ??= engineDepsFromEnvironment()),
  maxReceiveCountFromEnvironment(),
);
