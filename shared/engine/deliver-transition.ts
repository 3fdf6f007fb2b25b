import { StatesErrors } from '../language/states-error.ts';
import { describeError } from '../lib/describe-error.ts';
import { type ApplyOutcome, applyMessage, applyTransition } from './apply-transition.ts';
import type { EngineDeps } from './engine-deps.ts';
import { isInfrastructureError } from './infrastructure-failure.ts';
import type { TransitionEnvelope } from './ports.ts';

/** One delivery of a transition message by the queue: which one, and how many times it has come. */
export interface TransitionDelivery {
  /** The queue's id of the message (named in the cause when the engine gives up on it). */
  messageId: string;
  /** 1 on the first delivery. */
  receiveCount: number;
  /** The delivery after which the queue moves the message to its dead-letter queue. */
  maxReceiveCount: number;
  /**
   * The execution the message is for, when its body says so even if the rest of it is unreadable. Asked only
   * when the engine gives up on the message, so a delivery that applies reads its body once.
   */
  executionArn(): string | undefined;
}

/**
 * The step handler's use case: applies a delivered transition (`read` decodes it; a body that does not decode
 * throws). A step that cannot be decided fails its execution at once (applyTransition). A message that keeps
 * failing for another reason of its own fails its execution on its last delivery, with the reason as the
 * cause, then is thrown on to the dead-letter queue: an execution never stays RUNNING behind a poison message.
 * One that keeps failing for the infrastructure's reasons (isInfrastructureError) goes to the dead-letter
 * queue and leaves its execution RUNNING, to be re-driven.
 */
export async function deliverTransition(
  deps: EngineDeps,
  delivery: TransitionDelivery,
  read: () => TransitionEnvelope,
): Promise<ApplyOutcome> {
  try {
    const envelope = read();
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
    return outcome;
  } catch (error) {
    if (delivery.receiveCount >= delivery.maxReceiveCount) {
      // The infrastructure's errors (throttling, an outage) say nothing about the execution: its message goes
      // to the dead-letter queue for `statefold dlq redrive`, and the execution waits RUNNING for it.
      if (isInfrastructureError(error)) warnDeadLettered(delivery, error);
      else await giveUp(deps, delivery, error);
    }
    throw error;
  }
}

function warnDeadLettered(delivery: TransitionDelivery, error: unknown): void {
  console.warn(
    JSON.stringify({
      level: 'WARN',
      message:
        'A transition failed on its last delivery for a reason of the infrastructure: it goes to the dead-letter queue and its execution stays RUNNING until it is re-driven (statefold dlq redrive)',
      messageId: delivery.messageId,
      executionArn: delivery.executionArn(),
      error: describeError(error),
    }),
  );
}

async function giveUp(deps: EngineDeps, delivery: TransitionDelivery, error: unknown): Promise<void> {
  const executionArn = delivery.executionArn();
  if (executionArn === undefined) return;
  const reason = error instanceof Error ? error.message : String(error);
  await applyMessage(deps, executionArn, 'poison', {
    type: 'fail',
    error: StatesErrors.Runtime,
    cause: `Statefold could not apply a transition message (SQS message ${delivery.messageId}) after ${delivery.receiveCount} attempts and moved it to the dead-letter queue: ${reason}`,
  }).catch(() => undefined);
}
