import { assertNever } from '../lib/assert-never.ts';
import { childClosedTransition } from './command-messages.ts';
import type { EngineDeps } from './engine-deps.ts';
import { nestedResultTransition } from './nested-executions.ts';
import type { RecordEnvelope, TransitionEnvelope } from './ports.ts';

/**
 * The task handler's part for the records a commit sends (sendOutbox): writes the execution's listing or a Map
 * Run's record, then, for a closed child, tells its parent. Each write is idempotent and a listing never goes
 * back to an older commit (EventLog.recordListing), so a record delivered twice, or after a later one, changes
 * nothing; the parent's transition has a deterministic id, so it is applied once. The listing is written before
 * the parent hears: a Distributed Map that has heard of all its children finds them all listed (its
 * ResultWriter lists them).
 */
export async function applyRecord(deps: EngineDeps, envelope: RecordEnvelope): Promise<void> {
  switch (envelope.record) {
    case 'mapRun':
      return deps.log.putMapRun(envelope.mapRun);
    case 'listing': {
      await deps.log.recordListing(envelope.head, envelope.asOf);
      const closed = envelope.closed;
      if (!closed) return;
      const { parent, ...closing } = closed;
      const transition: TransitionEnvelope | undefined =
        parent.task === undefined
          ? childClosedTransition(parent, closing, envelope.head.redriveCount)
          : // A nested `.sync` child ends its parent's task with its description.
            await nestedResultTransition(deps, envelope.executionArn, { ...parent, task: parent.task });
      if (!transition) return;
      await deps.queues.sendTransitions([
        envelope.resend === undefined
          ? transition
          : { ...transition, id: `${transition.id}:${envelope.resend}` },
      ]);
      return;
    }
    default:
      return assertNever(envelope, 'record');
  }
}
