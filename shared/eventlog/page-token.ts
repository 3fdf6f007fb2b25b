import { invalidPageToken } from '../engine/engine-error.ts';

/**
 * The `nextToken` of a listing: where the next page starts, as base64url of the JSON of the last listed item's
 * partition key and index sort key. The index's partition key and the item's sort key are fixed by the query, so
 * the token leaves them out: it stays under AWS's token lengths (1024 characters; 3096 for ListExecutions, whose
 * Map Run child ARNs can be long).
 */

export interface ListPosition {
  pk: string;
  indexSortKey: string;
}

export function encodePageToken(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.pk, position.indexSortKey]), 'utf8').toString('base64url');
}

/**
 * The position a token names; throws an EngineError `InvalidToken` when it is not one of this listing's tokens
 * (its partition key has none of the listing's prefixes).
 */
export function decodePageToken(token: string, partitionPrefix: string | readonly string[]): ListPosition {
  const prefixes = typeof partitionPrefix === 'string' ? [partitionPrefix] : partitionPrefix;
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalidPageToken(token);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (error) {
    throw invalidPageToken(token, { cause: error });
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !prefixes.some((prefix) => (parsed[0] as string).startsWith(prefix))
  ) {
    throw invalidPageToken(token);
  }
  return { pk: parsed[0], indexSortKey: parsed[1] };
}
