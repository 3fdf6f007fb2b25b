import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type EngineDeps, withSendsPerRecord } from '../engine/engine-deps.ts';
import { fireTimer } from '../engine/run-task.ts';
import { decodeTimerEnvelope } from '../queue/envelope-codec.ts';
import { processSqsBatch } from '../queue/sqs-batch.ts';
import { acceptOnlyFrom, type DeadlineContext, logEscapedErrors } from './handler-middleware.ts';

/** The timer handler: a due timer becomes its transition; an early one is re-armed for another hop of ≤ 900 s. */
export function createTimerHandler(getDeps: () => EngineDeps, eventSourceArn?: string) {
  return middy<SQSEvent, SQSBatchResponse, Error, DeadlineContext>()
    .use(logEscapedErrors('timer'))
    .use(acceptOnlyFrom('timer', eventSourceArn))
    .handler((event) => {
      const perRecord = withSendsPerRecord(getDeps());
      return processSqsBatch(event, (record) =>
        perRecord((deps) => fireTimer(deps, decodeTimerEnvelope(record.body))),
      );
    });
}
