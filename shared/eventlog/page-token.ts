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

export const INVALID_TOKEN_MESSAGE = 'Invalid pagination token';

export function encodePageToken(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.pk, position.indexSortKey]), 'utf8').toString('base64url');
}

/** The position a token names; throws `Invalid pagination token…` when it is not one of this listing's tokens. */
export function decodePageToken(token: string, partitionPrefix: string): ListPosition {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalidToken(token);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken(token);
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !parsed[0].startsWith(partitionPrefix)
  ) {
    throw invalidToken(token);
  }
  return { pk: parsed[0], indexSortKey: parsed[1] };
}

function invalidToken(token: string): Error {
  const shown = token.length > 40 ? `${token.slice(0, 40)}…` : token;
  return new Error(`${INVALID_TOKEN_MESSAGE}: '${shown}'`);
}
