import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { applyTransitions } from '../engine/apply-transition.ts';
import { deliverTransition } from '../engine/deliver-transition.ts';
import { type EngineDeps, withSendsPerRecord } from '../engine/engine-deps.ts';
import type { TransitionEnvelope } from '../engine/ports.ts';
import { decodeTransitionEnvelope, executionArnOfBody } from '../queue/envelope-codec.ts';
import { processSqsRuns, receiveCountOf } from '../queue/sqs-batch.ts';
import { acceptOnlyFrom, type DeadlineContext, logEscapedErrors } from './handler-middleware.ts';

/**
 * The step handler: a transition message applies one ASL state of one execution (FIFO queue, one message group
 * per execution). The messages of one execution that come in one batch, in their order, are applied in one
 * commit where they can be (applyTransitions), as a Map Run's parent takes its children's closes; a message
 * that cannot, or a run that fails, is delivered alone, and what happens to a message that keeps failing is
 * the engine's (deliverTransition).
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
      return processSqsRuns(event, async (records) => {
        const run = decodedRun(records);
        if (run.length > 1) {
          try {
            const applied = await perRecord((deps) => applyTransitions(deps, run));
            if (applied > 0) return applied;
          } catch {
            // The run's first message is delivered alone below: if it is what failed, it fails there, with its
            // own receive count deciding whether the engine gives up on it; the run's commit, if written, is
            // found there and its outbox sent again.
          }
        }
        const [record] = records as [SQSRecord];
        const delivery = {
          messageId: record.messageId,
          receiveCount: receiveCountOf(record),
          maxReceiveCount,
          executionArn: () => executionArnOfBody(record.body),
        };
        await perRecord((deps) =>
          deliverTransition(deps, delivery, () => run[0] ?? decodeTransitionEnvelope(record.body)),
        );
        return 1;
      });
    });
}

/** The envelopes of the records, from the first, up to the first whose body does not decode. */
function decodedRun(records: readonly SQSRecord[]): TransitionEnvelope[] {
  const run: TransitionEnvelope[] = [];
  for (const record of records) {
    try {
      run.push(decodeTransitionEnvelope(record.body));
    } catch {
      break;
    }
  }
  return run;
}
