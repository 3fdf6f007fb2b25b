import { InvariantError } from '../../lib/invariant-error.ts';
import type { Json, JsonObject } from '../../lib/json.ts';

/**
 * An operation's output as the wire carries it: dates as epoch seconds with a fraction (AWS's JSON 1.0
 * timestamps), absent members left out rather than written as null.
 */
export function toWireJson(value: unknown): Json {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWireJson);
  if (typeof value === 'object' && value !== null) {
    const out: JsonObject = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) out[key] = toWireJson(member);
    }
    return out;
  }
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null
  ) {
    return value;
  }
  throw new InvariantError(`Cannot put a ${typeof value} on the wire`);
}

/** The named members of an object that are present: an output shape cut from a richer result. */
export function pickMembers<T extends object, K extends keyof T>(
  value: T,
  members: readonly K[],
): Pick<T, K> {
  const out: Partial<Pick<T, K>> = {};
  for (const member of members) {
    if (value[member] !== undefined) out[member] = value[member];
  }
  return out as Pick<T, K>;
}
