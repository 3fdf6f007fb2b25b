import { InvariantError } from '../lib/invariant-error.ts';
/** Typed reads of attributes from items this adapter wrote; a missing or mistyped one means a corrupt item. */

export type Item = Record<string, unknown>;

export function requireString(item: Item, name: string): string {
  const value = item[name];
  if (typeof value !== 'string') throw corruptItem(item, name);
  return value;
}

export function requireNumber(item: Item, name: string): number {
  const value = item[name];
  if (typeof value !== 'number') throw corruptItem(item, name);
  return value;
}

export function optionalString(item: Item, name: string): string | undefined {
  const value = item[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw corruptItem(item, name);
  return value;
}

export function optionalNumber(item: Item, name: string): number | undefined {
  const value = item[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw corruptItem(item, name);
  return value;
}

export function corruptItem(item: Item, name: string): InvariantError {
  return new InvariantError(
    `Stored item ${String(item.pk)} / ${String(item.sk)} has no valid '${name}' attribute`,
  );
}
