import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { chunkSortKey, PARTITION_KEY, SORT_KEY } from './table.ts';

/**
 * How a long text (a commit body, an execution's input or output, a definition) is kept in DynamoDB items:
 * short texts as a string attribute, longer ones gzip'ed into a binary attribute (write units are paid per KB),
 * and gzip'ed texts too large for one item split into chunk items.
 */

/** Texts up to this many UTF-8 bytes are stored as they are. */
export const GZIP_THRESHOLD_BYTES = 400;
/**
 * The largest item we write. DynamoDB's limit is 400 KB; the margin covers what `estimateItemBytes` does not
 * count exactly (numbers, per-item overhead).
 */
export const ITEM_BUDGET_BYTES = 350_000;
/** Bytes of gzip'ed text per chunk item (its key and one attribute name come on top). */
export const CHUNK_BYTES = 340_000;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export type StoredText =
  | { kind: 'plain'; text: string }
  | { kind: 'gzip'; bytes: Uint8Array }
  | { kind: 'chunked'; parts: Uint8Array[] };

/** Encodes `text` to take at most `room` bytes in its item, splitting it into chunks when it cannot. */
async function encodeText(text: string, room: number): Promise<StoredText> {
  if (Buffer.byteLength(text, 'utf8') <= Math.min(GZIP_THRESHOLD_BYTES, room)) return { kind: 'plain', text };
  const bytes = new Uint8Array(await gzipAsync(text));
  if (bytes.length <= room) return { kind: 'gzip', bytes };
  const parts: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
    parts.push(bytes.subarray(start, start + CHUNK_BYTES));
  }
  return { kind: 'chunked', parts };
}

/** The attributes that hold a plain or gzip'ed text named `name` (`name` or `nameGz`); chunks are the caller's. */
function textAttributes(name: string, stored: StoredText): Record<string, string | Uint8Array | number> {
  switch (stored.kind) {
    case 'plain':
      return { [name]: stored.text };
    case 'gzip':
      return { [`${name}Gz`]: stored.bytes };
    case 'chunked':
      return { [`${name}Chunks`]: stored.parts.length };
  }
}

/** The text named `name` held in `item` itself; undefined when the item has none (or keeps it in chunks). */
export async function readInlineText(
  item: Record<string, unknown>,
  name: string,
): Promise<string | undefined> {
  const plain = item[name];
  if (typeof plain === 'string') return plain;
  const compressed = item[`${name}Gz`];
  if (compressed instanceof Uint8Array) return (await gunzipAsync(compressed)).toString('utf8');
  return undefined;
}

/** The number of chunks a text named `name` was split into, or undefined when it was not. */
export function readChunkCount(item: Record<string, unknown>, name: string): number | undefined {
  const count = item[`${name}Chunks`];
  return typeof count === 'number' ? count : undefined;
}

export async function joinChunks(parts: readonly Uint8Array[]): Promise<string> {
  return (await gunzipAsync(Buffer.concat(parts))).toString('utf8');
}

/**
 * An upper estimate of an item's size as DynamoDB counts it: attribute names and values in UTF-8 bytes, binary
 * values by their raw length (DynamoDB's "Item sizes and formats" page), numbers at their largest.
 */
export function estimateItemBytes(item: Record<string, unknown>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    total += Buffer.byteLength(name, 'utf8') + estimateValueBytes(value);
  }
  return total;
}

function estimateValueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof Uint8Array) return value.length;
  if (typeof value === 'number') return 21;
  if (typeof value === 'boolean' || value === null) return 1;
  // Maps and lists: 3 bytes each plus 1 per element, which their JSON text's punctuation outweighs.
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** A text's attributes for its owner item, and the chunk items to write before the owner when it was split. */
export interface TextItems {
  attributes: Record<string, string | Uint8Array | number>;
  chunks: Array<Record<string, string | Uint8Array>>;
}

/**
 * Encodes the text named `name` for an item with `room` bytes left, as chunk items keyed `chunkPrefix + k` in
 * partition `pk` when it does not fit.
 */
export async function encodeTextItems(
  name: string,
  text: string,
  room: number,
  chunkKeys: { pk: string; chunkPrefix: string },
): Promise<TextItems> {
  const stored = await encodeText(text, room);
  const attributes = textAttributes(name, stored);
  if (stored.kind !== 'chunked') return { attributes, chunks: [] };
  const chunks = stored.parts.map((data, k) => ({
    [PARTITION_KEY]: chunkKeys.pk,
    [SORT_KEY]: chunkSortKey(chunkKeys.chunkPrefix, k),
    [CHUNK_DATA]: data,
  }));
  return { attributes, chunks };
}

/** The attribute of a chunk item that holds its bytes. */
export const CHUNK_DATA = 'data';
