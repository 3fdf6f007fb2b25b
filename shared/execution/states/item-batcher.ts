import { StatesError, StatesErrors } from '../../language/states-error.ts';
import { type Json, MAX_PAYLOAD_BYTES, utf8Length } from '../../lib/json.ts';

/**
 * A Map's ItemBatcher: consecutive items (each already through ItemSelector) grouped into child inputs
 * `{"Items": [...], "BatchInput": ...}`, as AWS passes them. A batch holds at most `maxItems` items and its
 * whole input (Items and BatchInput, as JSON text) at most `maxBytes` bytes, never over AWS's 256 KiB payload
 * quota; a limit of 0 means no limit of that kind.
 */
export interface BatchLimits {
  maxItems: number;
  maxBytes: number;
}

export function batchItems(
  items: readonly Json[],
  limits: BatchLimits,
  batchInput: Json | undefined,
): Json[] {
  const maxBytes = limits.maxBytes > 0 ? Math.min(limits.maxBytes, MAX_PAYLOAD_BYTES) : MAX_PAYLOAD_BYTES;
  const maxItems = limits.maxItems > 0 ? limits.maxItems : Number.POSITIVE_INFINITY;
  // `{"Items":[]}` or `{"Items":[],"BatchInput":…}`: what a batch costs before its first item.
  const emptyBytes = utf8Length(JSON.stringify(batchOf([], batchInput)));
  const batches: Json[] = [];
  let current: Json[] = [];
  let bytes = emptyBytes;
  items.forEach((item, index) => {
    const itemBytes = utf8Length(JSON.stringify(item));
    const separator = current.length > 0 ? 1 : 0;
    if (current.length > 0 && (current.length >= maxItems || bytes + separator + itemBytes > maxBytes)) {
      batches.push(batchOf(current, batchInput));
      current = [];
      bytes = emptyBytes;
    }
    if (emptyBytes + itemBytes > maxBytes) {
      throw new StatesError(
        StatesErrors.Runtime,
        `The item at index ${index} is ${itemBytes} bytes: with the BatchInput, a batch holding it would exceed the ItemBatcher's limit of ${maxBytes} bytes`,
      );
    }
    bytes += (current.length > 0 ? 1 : 0) + itemBytes;
    current.push(item);
  });
  if (current.length > 0) batches.push(batchOf(current, batchInput));
  return batches;
}

function batchOf(items: Json[], batchInput: Json | undefined): Json {
  return batchInput === undefined ? { Items: items } : { Items: items, BatchInput: batchInput };
}
