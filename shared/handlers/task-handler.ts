import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type EngineDeps, withSendsPerRecord } from '../engine/engine-deps.ts';
import { runTaskQueueMessage } from '../engine/run-task.ts';
import { decodeTaskQueueEnvelope } from '../queue/envelope-codec.ts';
import { processSqsBatch } from '../queue/sqs-batch.ts';
import {
  acceptOnlyFrom,
  type DeadlineContext,
  deadlineSignal,
  logEscapedErrors,
} from './handler-middleware.ts';

/**
 * The task handler: runs each task request (a Lambda Invoke) and reports the outcome as a transition, and
 * writes each record a commit sent (a listing, a Map Run's record; applyRecord). Its
 * calls are aborted shortly before Lambda's deadline: the record fails and comes back, the batch reports.
 */
export function createTaskHandler(getDeps: () => EngineDeps, eventSourceArn?: string) {
  return middy<SQSEvent, SQSBatchResponse, Error, DeadlineContext>()
    .use(logEscapedErrors('task'))
    .use(acceptOnlyFrom('task', eventSourceArn))
    .use(deadlineSignal())
    .handler((event, context) => {
      const perRecord = withSendsPerRecord(getDeps());
      return processSqsBatch(event, (record) =>
        perRecord((deps) =>
          runTaskQueueMessage(deps, decodeTaskQueueEnvelope(record.body), context.deadline),
        ),
      );
    });
}
