import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverTransition } from '../engine/deliver-transition.ts';
import { type EngineDeps, withSendsPerRecord } from '../engine/engine-deps.ts';
import { decodeTransitionEnvelope, executionArnOfBody } from '../queue/envelope-codec.ts';
import { processSqsBatch, receiveCountOf } from '../queue/sqs-batch.ts';
import { acceptOnlyFrom, type DeadlineContext, logEscapedErrors } from './handler-middleware.ts';

/**
 * The step handler: one transition message applies one ASL state of one execution (FIFO queue, one message
 * group per execution). What happens to a message that keeps failing is the engine's (deliverTransition).
 */
export function createStepHandler(
  getDeps: () => EngineDeps,
  maxReceiveCount: number,
  eventSourceArn?: string,
) {
  return middy<SQSEvent, SQSBatchResponse, Error, DeadlineContext>()
    .use(logEscapedErrors('step'))
    .use(acceptOnlyFrom('step', eventSourceArn))
    .handler((event) => {
      // Each execution's sends leave when its own step has committed, not when the whole batch has.
      const perRecord = withSendsPerRecord(getDeps());
      return processSqsBatch(event, async (record) => {
        const delivery = {
          messageId: record.messageId,
          receiveCount: receiveCountOf(record),
          maxReceiveCount,
          executionArn: () => executionArnOfBody(record.body),
        };
        await perRecord((deps) =>
          deliverTransition(deps, delivery, () => decodeTransitionEnvelope(record.body)),
        );
      });
    });
}
