import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type EngineDeps, withBufferedSends } from '../shared/engine/engine-deps.ts';
import { engineDepsFromEnvironment } from '../shared/engine/environment.ts';
import { fireTimer } from '../shared/engine/run-task.ts';
import { decodeTimerEnvelope } from '../shared/queue/envelope-codec.ts';
import { processSqsBatch } from '../shared/queue/sqs-batch.ts';

/** The timer handler: a due timer becomes its transition; an early one is re-armed for another hop of ≤ 900 s. */
export function createTimerHandler(getDeps: () => EngineDeps) {
  return middy<SQSEvent, SQSBatchResponse>().handler((event) =>
    withBufferedSends(getDeps(), (deps) =>
      processSqsBatch(event, (record) => fireTimer(deps, decodeTimerEnvelope(record.body))),
    ),
  );
}

let deps: EngineDeps | undefined;
export const handler = createTimerHandler(() => (deps ??= engineDepsFromEnvironment()));
