import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type EngineDeps, withBufferedSends } from '../shared/engine/engine-deps.ts';
import { engineDepsFromEnvironment } from '../shared/engine/environment.ts';
import { runTaskRequest } from '../shared/engine/run-task.ts';
import { decodeTaskEnvelope } from '../shared/queue/envelope-codec.ts';
import { processSqsBatch } from '../shared/queue/sqs-batch.ts';

/** The task handler: runs each task request (a Lambda Invoke) and reports the outcome as a transition. */
export function createTaskHandler(getDeps: () => EngineDeps) {
  return middy<SQSEvent, SQSBatchResponse>().handler((event) =>
    withBufferedSends(getDeps(), (deps) =>
      processSqsBatch(event, (record) => runTaskRequest(deps, decodeTaskEnvelope(record.body))),
    ),
  );
}

let deps: EngineDeps | undefined;
export const handler = createTaskHandler(() => (deps ??= engineDepsFromEnvironment()));
