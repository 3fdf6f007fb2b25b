import type { Commit } from '../engine/ports.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import { isJsonObject, type Json } from '../lib/json.ts';
import { type Item, requireNumber, requireString } from './item-fields.ts';
import { encodeTextItems, estimateItemBytes, ITEM_BUDGET_BYTES } from './stored-text.ts';
import { commitChunkPrefix, commitSortKey, executionPartition, PARTITION_KEY, SORT_KEY } from './table.ts';

/**
 * A commit as items: the commit item (`c#<n>`: n, causedBy, attemptId and the body, the JSON of
 * `{events, outbox, alsoApplied?, snapshot?}`) and, for a body too large for it, the chunk items written before it.
 */

export const COMMIT_BODY = 'body';
const ATTEMPT_ID = 'attemptId';
/** Room kept for the attempt id and the body's attribute names. */
const COMMIT_ITEM_SLACK = 100;

export interface CommitItems {
  /** Written first; keyed by the attempt, so a writer that loses the race leaves only orphans. */
  chunks: Item[];
  commit: Item;
}

export async function encodeCommit(
  executionArn: string,
  commit: Commit,
  attemptId: string,
): Promise<CommitItems> {
  const pk = executionPartition(executionArn);
  const base: Item = {
    [PARTITION_KEY]: pk,
    [SORT_KEY]: commitSortKey(commit.n),
    n: commit.n,
    causedBy: commit.causedBy,
  };
  const body: Record<string, unknown> = { events: commit.events, outbox: commit.outbox };
  if (commit.alsoApplied !== undefined) body.alsoApplied = commit.alsoApplied;
  if (commit.snapshot !== undefined) body.snapshot = commit.snapshot;
  const room = ITEM_BUDGET_BYTES - estimateItemBytes(base) - COMMIT_ITEM_SLACK;
  const text = await encodeTextItems(COMMIT_BODY, JSON.stringify(body), room, {
    pk,
    chunkPrefix: commitChunkPrefix(commit.n, attemptId),
  });
  const item: Item = { ...base, ...text.attributes };
  if (text.chunks.length > 0) item[ATTEMPT_ID] = attemptId;
  return { chunks: text.chunks, commit: item };
}

/** Where the chunks of a chunked commit body are, or undefined when its body is in the commit item. */
export function commitChunkLocation(item: Item): string | undefined {
  const attemptId = item[ATTEMPT_ID];
  return typeof attemptId === 'string' ? commitChunkPrefix(requireNumber(item, 'n'), attemptId) : undefined;
}

export function decodeCommit(item: Item, bodyText: string): Commit {
  const body: Json = JSON.parse(bodyText);
  if (!isJsonObject(body) || !Array.isArray(body.events) || !isJsonObject(body.outbox)) {
    throw new InvariantError(
      `Stored commit ${String(item[PARTITION_KEY])} / ${String(item[SORT_KEY])} has no valid body`,
    );
  }
  // The body is JSON this adapter wrote from a Commit; its shape is the Commit's.
  const stored = body as unknown as Pick<Commit, 'events' | 'outbox' | 'alsoApplied' | 'snapshot'>;
  const commit: Commit = {
    n: requireNumber(item, 'n'),
    causedBy: requireString(item, 'causedBy'),
    events: stored.events,
    outbox: stored.outbox,
  };
  if (stored.alsoApplied !== undefined) commit.alsoApplied = stored.alsoApplied;
  if (stored.snapshot !== undefined) commit.snapshot = stored.snapshot;
  return commit;
}
