/** A JSON value as ASL sees it: what `JSON.parse` returns. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export type JsonObject = { [key: string]: Json };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep structural equality of two JSON values (object key order ignored). */
export function jsonEquals(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEquals(item, b[i] as Json));
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => key in b && jsonEquals(a[key] as Json, b[key] as Json));
}

/** Serialises a JSON value the way AWS writes it into history and API responses (compact). */
export function stringifyJson(value: Json): string {
  return JSON.stringify(value);
}

/** Byte length of a JSON text in UTF-8, the unit of AWS's payload quotas. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** AWS's quota on a payload (an execution's input, a state's output, a task's result): 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 262_144;

/**
 * Whether a value's JSON text is longer than `limit` bytes of UTF-8. Most values are far below the limit: a walk
 * that counts characters (a character is at most 6 bytes of JSON, `\u0000`) settles those without building the
 * text; only a value that could be near the limit is serialized and measured.
 */
export function exceedsJsonBytes(value: Json, limit = MAX_PAYLOAD_BYTES): boolean {
  const bound = Math.floor(limit / 6);
  let count = 0;
  const stack: Json[] = [value];
  while (stack.length > 0) {
    const item = stack.pop() as Json;
    if (typeof item === 'string') count += item.length + 2;
    else if (item === null || typeof item !== 'object') count += 24;
    else if (Array.isArray(item)) {
      count += item.length + 2;
      for (const element of item) stack.push(element);
    } else {
      for (const key in item) {
        count += key.length + 4;
        stack.push(item[key] as Json);
      }
    }
    if (count > bound) return utf8Length(JSON.stringify(value)) > limit;
  }
  return false;
}
