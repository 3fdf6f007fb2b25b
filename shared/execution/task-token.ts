/**
 * Task tokens of `.waitForTaskToken` tasks. A token names the execution, the scope and the TaskScheduled event
 * it belongs to, plus a random nonce recorded in that event: whoever holds a token can find its task without any
 * index, nobody can guess one, and a token of an earlier attempt (a retry) or of another execution never matches.
 * Opaque to users: base64url of a small JSON array.
 */
export interface TaskTokenFields {
  executionArn: string;
  scope: string;
  /** Id of the TaskScheduled event. */
  ref: number;
  nonce: string;
}

export function encodeTaskToken(fields: TaskTokenFields): string {
  return Buffer.from(
    JSON.stringify([fields.executionArn, fields.scope, fields.ref, fields.nonce]),
    'utf8',
  ).toString('base64url');
}

/** The token's fields, or undefined when the text is not a token Statefold made. */
export function decodeTaskToken(token: string): TaskTokenFields | undefined {
  if (!/^[\w-]+$/.test(token)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
  const [executionArn, scope, ref, nonce] = parsed as unknown[];
  if (
    typeof executionArn !== 'string' ||
    typeof scope !== 'string' ||
    typeof ref !== 'number' ||
    !Number.isInteger(ref) ||
    typeof nonce !== 'string'
  )
    return undefined;
  return { executionArn, scope, ref, nonce };
}
