import { createGunzip, createZstdDecompress, gunzipSync, zstdDecompressSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { type AsyncBuffer, type FileMetaData, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { EngineError, isEngineError } from '../engine/engine-error.ts';
import type { ItemPageRequest, TaskOutcome } from '../engine/ports.ts';
import { StatesErrors } from '../language/states-error.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import { isServiceError } from './service-errors.ts';

/**
 * A Distributed Map's ItemReader over S3, one page per call: a bucket's objects (`listObjectsV2`, one S3 page
 * each) or an object's items (`getObject`), or the objects an S3 Inventory report lists (MANIFEST). A JSONL or CSV object is read by byte ranges of `PAGE_BYTES`, each
 * page ending at the last whole record in its range, so a file of a million lines is never held at once; the
 * cursor says where the next page starts (and the CSV header and the object's ETag, so that an object changed
 * while it is read fails the Map Run instead of mixing two versions). A JSON object is one array, read whole.
 *
 * CSV records are parsed by csv-parse (quoted fields, embedded delimiters and newlines as RFC 4180 has them);
 * the page boundary is found here, outside quotes, since csv-parse has no notion of an unfinished last record.
 */

/** S3's answer to one command, as the adapter needs it. */
export type S3Send = (action: 'ListObjectsV2' | 'GetObject', input: JsonObject) => Promise<S3Output>;

export interface S3Output {
  /** The command's output members; GetObject's `Body` already read, as bytes. */
  [member: string]: unknown;
}

/** Bytes of a JSONL or CSV object read per page; a record longer than this widens its page. */
export const PAGE_BYTES = 128 * 1024;
/**
 * A page's items as JSON are held under this, so that the outcome message stays inside SQS's 1 MiB: a page
 * whose items come to more (CSV rows of short fields under long headers) is read again from a smaller range.
 */
const PAGE_JSON_BYTES = 512 * 1024;
const MAX_RECORD_BYTES = 8 * 1024 * 1024;

const DELIMITERS: Readonly<Record<string, string>> = {
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  SPACE: ' ',
  TAB: '\t',
};

interface FileCursor {
  offset: number;
  etag: string;
  header?: string[];
}

/**
 * S3 refused a request (no such bucket or key, access denied…), which retrying will not mend: what it said.
 * Undefined for a server fault or a call that never reached S3, which the caller retries.
 */
export function s3Refusal(error: unknown): string | undefined {
  if (!isServiceError(error)) return undefined;
  const status = error.$metadata?.httpStatusCode ?? 500;
  if (status >= 500) return undefined;
  return `${error.message} (Service: S3, Status Code: ${status}, Error Code: ${error.name})`;
}

/** A reader problem the user's data or definition causes: the Map Run fails with States.ItemReaderFailed. */
const readerFailure = (message: string, options?: ErrorOptions) =>
  new EngineError('ItemReaderFailure', message, options);

export async function readItemsPage(send: S3Send, request: ItemPageRequest): Promise<TaskOutcome> {
  try {
    const parameters = isJsonObject(request.parameters) ? request.parameters : {};
    const page =
      request.resource === 'listObjectsV2'
        ? request.readerConfig.Transformation === 'LOAD_AND_FLATTEN'
          ? await loadAndFlatten(send, parameters, request.readerConfig, request.cursor)
          : await listObjects(send, parameters, request.cursor, request.maxItems)
        : request.readerConfig.ManifestType === 'ATHENA_DATA'
          ? await readAthenaManifest(send, parameters, request.readerConfig, request.cursor)
          : await readObject(send, parameters, request.readerConfig, request.cursor);
    return { ok: true, output: page };
  } catch (error) {
    if (isEngineError(error, 'ItemReaderFailure')) {
      return { ok: false, error: StatesErrors.ItemReaderFailed, cause: error.message };
    }
    const refused = s3Refusal(error);
    if (refused !== undefined) return { ok: false, error: StatesErrors.ItemReaderFailed, cause: refused };
    throw error;
  }
}

function requireString(parameters: JsonObject, field: string): string {
  const value = parameters[field];
  if (typeof value !== 'string' || value === '') {
    throw readerFailure(
      `The ItemReader's ${field} must be a non-empty string, but was ${JSON.stringify(value ?? null)}`,
    );
  }
  return value;
}

/** One S3 page of a bucket's objects, each as AWS gives it to the Map: Etag, Key, LastModified, Size, StorageClass. */
async function listObjects(
  send: S3Send,
  parameters: JsonObject,
  cursor: Json,
  maxItems: number,
): Promise<JsonObject> {
  const input: JsonObject = { ...parameters, Bucket: requireString(parameters, 'Bucket') };
  if (typeof cursor === 'string') input.ContinuationToken = cursor;
  if (maxItems > 0 && maxItems < 1000) input.MaxKeys = maxItems;
  const output = await send('ListObjectsV2', input);
  const contents = Array.isArray(output.Contents) ? (output.Contents as Record<string, unknown>[]) : [];
  const items = contents.map((object) => ({
    Etag: String(object.ETag ?? ''),
    Key: String(object.Key ?? ''),
    // AWS gives the time as epoch seconds.
    LastModified: Math.floor(new Date(object.LastModified as string | Date).getTime() / 1000),
    Size: Number(object.Size ?? 0),
    StorageClass: String(object.StorageClass ?? 'STANDARD'),
  }));
  const next = output.IsTruncated === true ? output.NextContinuationToken : undefined;
  return { items, cursor: typeof next === 'string' ? next : null, source: s3Uri(String(input.Bucket)) };
}

/**
 * Where a reader that goes through several objects is: the object (`file`, its index in a listing page or a
 * manifest) and the cursor inside it; for a listing, the continuation token of the listing page it is in.
 */
type ObjectsCursor = {
  token?: string;
  file: number;
  inner: Json;
};

const objectsCursor = (cursor: Json): ObjectsCursor =>
  isJsonObject(cursor) ? (cursor as unknown as ObjectsCursor) : { file: 0, inner: null };

/**
 * One page of the object at `at.file`, read as `config` says; the cursor moves to the next object once this one is
 * read (`files` long: how many there are, `next` for what comes after the last).
 */
async function pageOfObject(
  send: S3Send,
  location: JsonObject,
  config: JsonObject,
  at: ObjectsCursor,
  files: number,
  next: ObjectsCursor | null,
): Promise<JsonObject> {
  const page = await readObject(send, location, config, at.inner);
  const inner = page.cursor ?? null;
  const cursor =
    inner !== null
      ? { ...at, inner }
      : at.file + 1 < files
        ? { ...at, file: at.file + 1, inner: null }
        : next;
  return { items: page.items ?? [], cursor, source: page.source ?? null };
}

/**
 * ReaderConfig Transformation LOAD_AND_FLATTEN (s3:listObjectsV2): the listed objects' contents, each object read
 * as InputType says and its items given in turn, in the listing's order, instead of the objects' metadata.
 */
async function loadAndFlatten(
  send: S3Send,
  parameters: JsonObject,
  config: JsonObject,
  cursor: Json,
): Promise<JsonObject> {
  const bucket = requireString(parameters, 'Bucket');
  const at = objectsCursor(cursor);
  const input: JsonObject = { ...parameters, Bucket: bucket };
  if (at.token !== undefined) input.ContinuationToken = at.token;
  const output = await send('ListObjectsV2', input);
  const contents = Array.isArray(output.Contents) ? (output.Contents as Record<string, unknown>[]) : [];
  const token = output.IsTruncated === true ? output.NextContinuationToken : undefined;
  const next = typeof token === 'string' ? { token, file: 0, inner: null } : null;
  const object = contents[at.file];
  if (object === undefined) return { items: [], cursor: next };
  const { Transformation: _t, ...fileConfig } = config;
  return pageOfObject(
    send,
    { Bucket: bucket, Key: String(object.Key) },
    fileConfig,
    at,
    contents.length,
    next,
  );
}

/**
 * ReaderConfig ManifestType ATHENA_DATA: an Athena UNLOAD manifest, one S3 URI a line, each a data file read as
 * InputType says (CSV without a header row, JSONL or Parquet), in the manifest's order.
 */
async function readAthenaManifest(
  send: S3Send,
  parameters: JsonObject,
  config: JsonObject,
  cursor: Json,
): Promise<JsonObject> {
  const location: JsonObject = {
    Bucket: requireString(parameters, 'Bucket'),
    Key: requireString(parameters, 'Key'),
  };
  const at = objectsCursor(cursor);
  const uris = bodyOf(await send('GetObject', location))
    .toString('utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const uri = uris[at.file];
  if (uri === undefined) return { items: [], cursor: null };
  const parsed = /^s3:\/\/([^/]+)\/(.+)$/i.exec(uri);
  const [, bucket, key] = parsed ?? [];
  if (bucket === undefined || key === undefined) {
    throw readerFailure(
      `The Athena manifest's line ${at.file + 1} is not an S3 URI (s3://bucket/key): ${uri.slice(0, 200)}`,
    );
  }
  const { ManifestType: _m, ...fileConfig } = config;
  return pageOfObject(send, { Bucket: bucket, Key: key }, fileConfig, at, uris.length, null);
}

/**
 * `$$.Map.Item.Source`, as AWS documents it: the bucket's URI for a listing's objects, else the URI of the object the
 * items were read from (each data file of a manifest, each listed object with LOAD_AND_FLATTEN).
 */
const s3Uri = (bucket: string, key?: string): string =>
  key === undefined ? `s3://${bucket}` : `s3://${bucket}/${key}`;

/** An object's page of items, its Source (a page is always read from one object). */
async function readObject(
  send: S3Send,
  parameters: JsonObject,
  config: JsonObject,
  cursor: Json,
): Promise<JsonObject> {
  const location: JsonObject = {
    Bucket: requireString(parameters, 'Bucket'),
    Key: requireString(parameters, 'Key'),
    ...(typeof parameters.VersionId === 'string' ? { VersionId: parameters.VersionId } : {}),
  };
  const page = await readObjectItems(send, location, config, cursor);
  // An inventory's items come from its data files, which it names itself.
  return { source: s3Uri(String(location.Bucket), String(location.Key)), ...page };
}

async function readObjectItems(
  send: S3Send,
  location: JsonObject,
  config: JsonObject,
  cursor: Json,
): Promise<JsonObject> {
  const inputType = config.InputType ?? 'JSON';
  const compression = compressionOf(config);
  if (inputType === 'JSON') return readJsonArray(send, location, cursor, compression, config.ItemsPointer);
  if (inputType === 'MANIFEST') return readInventory(send, location, cursor);
  if (inputType === 'PARQUET') return readParquet(send, location, cursor);
  if (inputType !== 'JSONL' && inputType !== 'CSV') {
    throw readerFailure(`Statefold cannot read ItemReader InputType ${JSON.stringify(inputType)} yet`);
  }
  const at: FileCursor = isJsonObject(cursor) ? (cursor as unknown as FileCursor) : { offset: 0, etag: '' };
  const fetch =
    compression === 'NONE' ? rangeOf(send, location) : decompressedRangeOf(send, location, compression);
  for (let size = PAGE_BYTES; ; size = Math.floor(size / 2)) {
    const chunk = await readRecords(fetch, at, inputType === 'CSV', size);
    const page = inputType === 'JSONL' ? jsonlPage(chunk, at) : csvPage(chunk, at, config);
    const items = page.items as Json[];
    if (items.length <= 1 || size <= 1024 || JSON.stringify(items).length <= PAGE_JSON_BYTES) return page;
  }
}

function jsonlPage(chunk: Chunk, at: FileCursor): JsonObject {
  const items = chunk.text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as Json;
      } catch {
        throw readerFailure(
          `The JSONL object holds a line that is not JSON (item ${index + 1} of the page at byte ${at.offset}): ${line.slice(0, 100)}`,
        );
      }
    });
  return { items, cursor: chunk.next === null ? null : { offset: chunk.next, etag: chunk.etag } };
}

/**
 * A JSON object is one array: parsed whole (JSON has no record boundary to page by), then given a page at a time
 * from the cursor's index, each page's items under PAGE_JSON_BYTES; the ETag pins the object across pages.
 */
async function readJsonArray(
  send: S3Send,
  location: JsonObject,
  cursor: Json,
  compression: Compression,
  pointer?: Json,
): Promise<JsonObject> {
  const at = isJsonObject(cursor) ? (cursor as { index: number; etag: string }) : { index: 0, etag: '' };
  const output = await getPinned(send, location, at.etag);
  let parsed: unknown;
  try {
    parsed = JSON.parse((await decompressed(bodyOf(output), compression)).toString('utf8'));
  } catch (error) {
    if (isEngineError(error, 'ItemReaderFailure')) throw error;
    throw readerFailure(`The object is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (pointer !== undefined) parsed = pointedAt(parsed as Json, pointer);
  if (!Array.isArray(parsed)) {
    throw readerFailure('Attempting to map over non-iterable node.');
  }
  const items: Json[] = [];
  let bytes = 0;
  let index = at.index;
  while (index < parsed.length) {
    const size = JSON.stringify(parsed[index]).length + 1;
    if (items.length > 0 && bytes + size > PAGE_JSON_BYTES) break;
    items.push(parsed[index] as Json);
    bytes += size;
    index += 1;
  }
  return { items, cursor: index >= parsed.length ? null : { index, etag: String(output.ETag ?? '') } };
}

/**
 * An S3 Inventory report (InputType MANIFEST): its manifest.json names the inventory's CSV files (gzipped, no
 * header) in its destination bucket and their columns (`fileSchema`); each row is an item keyed by those column
 * names, every value a string, as AWS gives them. A file is read whole (gzip has no ranges) and given a page at a
 * time; the cursor says which file and row come next.
 */
async function readInventory(send: S3Send, location: JsonObject, cursor: Json): Promise<JsonObject> {
  const at = isJsonObject(cursor) ? (cursor as { file: number; row: number }) : { file: 0, row: 0 };
  let manifest: unknown;
  try {
    manifest = JSON.parse(bodyOf(await send('GetObject', location)).toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError)
      throw readerFailure(`The manifest is not valid JSON: ${error.message}`, { cause: error });
    throw error;
  }
  const { fileFormat, fileSchema, files, destinationBucket } = (
    isJsonObject(manifest as Json) ? manifest : {}
  ) as {
    fileFormat?: unknown;
    fileSchema?: unknown;
    files?: unknown;
    destinationBucket?: unknown;
  };
  if (fileFormat !== 'CSV') {
    throw readerFailure(
      `The S3 inventory's fileFormat must be CSV, but was ${JSON.stringify(fileFormat ?? null)}`,
    );
  }
  if (typeof fileSchema !== 'string' || !Array.isArray(files) || typeof destinationBucket !== 'string') {
    throw readerFailure(
      'The manifest is not an S3 inventory manifest: it needs fileSchema, files and destinationBucket',
    );
  }
  const columns = fileSchema.split(',').map((column) => column.trim());
  const bucket = destinationBucket.replace(/^arn:aws[\w-]*:s3:::/, '');
  const file = files[at.file] as { key?: unknown } | undefined;
  if (file === undefined) return { items: [], cursor: null };
  if (typeof file.key !== 'string') throw readerFailure(`The manifest's file ${at.file} has no key`);
  const source = s3Uri(bucket, file.key);
  let bytes = bodyOf(await send('GetObject', { Bucket: bucket, Key: file.key }));
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  let rows: string[][];
  try {
    rows = parseCsv(bytes.toString('utf8'), { skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw readerFailure(`The inventory file ${file.key} cannot be parsed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const items: Json[] = [];
  let size = 0;
  let row = at.row;
  for (; row < rows.length; row += 1) {
    const item = Object.fromEntries(columns.map((name, index) => [name, rows[row]?.[index] ?? '']));
    const itemSize = JSON.stringify(item).length + 1;
    if (items.length > 0 && size + itemSize > PAGE_JSON_BYTES) break;
    items.push(item);
    size += itemSize;
  }
  const next =
    row < rows.length
      ? { file: at.file, row }
      : at.file + 1 < files.length
        ? { file: at.file + 1, row: 0 }
        : null;
  return { items, cursor: next, source };
}

/**
 * ReaderConfig's ItemsPointer: the JSON Pointer (RFC 6901: `/a/0/b`, `~1` for `/` and `~0` for `~`) to the array
 * inside the object that holds the items.
 */
function pointedAt(document: Json, pointer: Json): Json {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) {
    throw readerFailure(
      `The ItemsPointer must be a JSON Pointer (empty, or starting with '/'), but was ${JSON.stringify(pointer)}`,
    );
  }
  let node: Json = document;
  for (const token of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    const next: Json | undefined = Array.isArray(node)
      ? /^(0|[1-9]\d*)$/.test(key)
        ? node[Number(key)]
        : undefined
      : isJsonObject(node) && Object.hasOwn(node, key)
        ? node[key]
        : undefined;
    if (next === undefined) {
      throw readerFailure(
        `The ItemsPointer '${pointer}' selects nothing in the object: '${key}' is not there`,
      );
    }
    node = next;
  }
  return node;
}

/** Rows of a Parquet object read per page at first; fewer when their JSON would not fit a message. */
const PARQUET_PAGE_ROWS = 2000;

/** Where a Parquet read is: the next row, and the object's ETag and size as the first page found them. */
type ParquetCursor = { row: number; etag: string; size: number };

/**
 * A Parquet object (InputType PARQUET): each row an item, keyed by its column names. Read by byte ranges through
 * hyparquet: the footer first, then, for each page, the rows from the cursor on within one row group, only the
 * data pages of each column those rows are in (the offset index, where the file has one). The object is never
 * fetched whole. Values as JSON: INT64 as a number (as text past 2^53), timestamps and dates as ISO 8601 text,
 * binary as an array of bytes. Snappy is hyparquet's; GZIP and ZSTD pages are decompressed with node:zlib.
 */
async function readParquet(send: S3Send, location: JsonObject, cursor: Json): Promise<JsonObject> {
  const at: ParquetCursor = isJsonObject(cursor)
    ? (cursor as unknown as ParquetCursor)
    : { row: 0, ...(await parquetObject(send, location)) };
  if (at.size === 0) throw readerFailure('The Parquet object is empty');
  const file = parquetFile(send, location, at);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    if (!isParquetFault(error)) throw error;
    throw readerFailure(`The object is not a Parquet file: ${(error as Error).message}`);
  }
  // The rows from the cursor to the end of the row group it is in: a page never spans two row groups.
  let groupEnd = 0;
  for (const group of metadata.row_groups) {
    groupEnd += Number(group.num_rows);
    if (groupEnd > at.row) break;
  }
  const total = Number(metadata.num_rows);
  if (at.row >= total) return { items: [], cursor: null };
  for (let rows = PARQUET_PAGE_ROWS; ; rows = Math.max(1, Math.floor(rows / 2))) {
    const rowEnd = Math.min(at.row + rows, groupEnd);
    let read: Record<string, unknown>[];
    try {
      read = await parquetReadObjects({
        file,
        metadata,
        rowStart: at.row,
        rowEnd,
        useOffsetIndex: true,
        compressors: PARQUET_DECOMPRESSORS,
      });
    } catch (error) {
      if (!isParquetFault(error)) throw error;
      throw readerFailure(
        `The Parquet object cannot be read near row ${at.row}: ${(error as Error).message}`,
      );
    }
    const items = read.map((row) => parquetJson(row) as Json);
    if (rows === 1 || JSON.stringify(items).length <= PAGE_JSON_BYTES) {
      return { items, cursor: rowEnd >= total ? null : { ...at, row: rowEnd } };
    }
  }
}

/** hyparquet's own complaint about the bytes, not S3's answer nor ours, nor a call that failed on the way. */
const isParquetFault = (error: unknown): boolean =>
  error instanceof Error &&
  !isEngineError(error) &&
  (error as Error).name === 'Error' &&
  !isServiceError(error);

const PARQUET_DECOMPRESSORS = {
  GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)),
  ZSTD: (input: Uint8Array) => new Uint8Array(zstdDecompressSync(input)),
};

/** The object's size and ETag, from a one-byte range (hyparquet needs the size to find the footer). */
async function parquetObject(send: S3Send, location: JsonObject): Promise<{ etag: string; size: number }> {
  let output: S3Output;
  try {
    output = await send('GetObject', { ...location, Range: 'bytes=0-0' });
  } catch (error) {
    if ((error as { name?: string }).name === 'InvalidRange') return { etag: '', size: 0 };
    throw error;
  }
  const size = Number(/\/(\d+)$/.exec(String(output.ContentRange ?? ''))?.[1] ?? bodyOf(output).length);
  return { etag: String(output.ETag ?? ''), size };
}

/** The object as hyparquet reads it: byte ranges, each a GetObject pinned to the ETag the first page saw. */
function parquetFile(send: S3Send, location: JsonObject, at: ParquetCursor): AsyncBuffer {
  return {
    byteLength: at.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const last = Math.min(end ?? at.size, at.size) - 1;
      if (last < start) return new ArrayBuffer(0);
      const output = await getPinned(send, location, at.etag, `bytes=${start}-${last}`);
      const bytes = bodyOf(output);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    },
  };
}

/** A Parquet value as JSON (see readParquet). */
function parquetJson(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Array.from(value);
  if (Array.isArray(value)) return value.map(parquetJson);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, parquetJson(inner)]));
  }
  return value;
}

/**
 * GetObject (of a byte range, when given) pinned to the ETag the first page saw ('' before it): an object that
 * changed since fails the read rather than mixing two versions' items.
 */
async function getPinned(
  send: S3Send,
  location: JsonObject,
  etag: string,
  range?: string,
): Promise<S3Output> {
  try {
    return await send('GetObject', {
      ...location,
      ...(range !== undefined ? { Range: range } : {}),
      ...(etag !== '' ? { IfMatch: etag } : {}),
    });
  } catch (error) {
    if ((error as { name?: string }).name === 'PreconditionFailed') throw changedWhileRead();
    throw error;
  }
}

const changedWhileRead = () =>
  readerFailure(
    'The object changed while its items were being read (its ETag is no longer the one read first)',
  );

const bodyOf = (output: S3Output): Buffer =>
  output.Body instanceof Uint8Array
    ? Buffer.from(output.Body)
    : Buffer.from(String(output.Body ?? ''), 'utf8');

interface Chunk {
  /** Whole records only. */
  text: string;
  /** Where the next page starts, null at the end of the object. */
  next: number | null;
  etag: string;
}

/** A range of an object's bytes: `bytes` from `offset`, whether the object ends within them, its ETag. */
type RangeFetch = (at: FileCursor, size: number) => Promise<{ bytes: Buffer; ended: boolean; etag: string }>;

/** An uncompressed object's bytes by S3 byte ranges, its ETag pinned. */
function rangeOf(send: S3Send, location: JsonObject): RangeFetch {
  return async (at, size) => {
    let output: S3Output;
    try {
      output = await getPinned(send, location, at.etag, `bytes=${at.offset}-${at.offset + size - 1}`);
    } catch (error) {
      // An empty object has no byte 0: nothing to read.
      if ((error as { name?: string }).name === 'InvalidRange')
        return { bytes: Buffer.alloc(0), ended: true, etag: at.etag };
      throw error;
    }
    const bytes = bodyOf(output);
    const total = Number(/\/(\d+)$/.exec(String(output.ContentRange ?? ''))?.[1] ?? at.offset + bytes.length);
    return { bytes, ended: at.offset + bytes.length >= total, etag: String(output.ETag ?? at.etag) };
  };
}

/**
 * A GZIP or ZSTD object's decompressed bytes: compressed data has no ranges, so the object is read (ETag pinned)
 * and decompressed from its start, streaming, up to the end of the range and a byte past it; only the range is
 * kept. Each page decompresses the object up to itself again; within a page (a range widened for a long record,
 * narrowed for a page of too many items) the object is downloaded once.
 */
function decompressedRangeOf(send: S3Send, location: JsonObject, compression: 'GZIP' | 'ZSTD'): RangeFetch {
  let downloaded: Promise<S3Output> | undefined;
  return async (at, size) => {
    downloaded ??= getPinned(send, location, at.etag);
    const output = await downloaded;
    const window = await decompressedWindow(bodyOf(output), compression, at.offset, size);
    return { ...window, etag: String(output.ETag ?? at.etag) };
  };
}

/**
 * The whole records from `at.offset` on: a range of `pageBytes` (wider while no record ends in it), cut after its
 * last newline outside quotes (for CSV) — unless the object ends in it.
 */
async function readRecords(
  fetch: RangeFetch,
  at: FileCursor,
  quoted: boolean,
  pageBytes: number,
): Promise<Chunk> {
  for (let size = pageBytes; ; size *= 2) {
    const { bytes, ended, etag } = await fetch(at, size);
    if (ended) return { text: bytes.toString('utf8'), next: null, etag };
    const cut = lastRecordEnd(bytes, quoted);
    if (cut >= 0)
      return { text: bytes.subarray(0, cut + 1).toString('utf8'), next: at.offset + cut + 1, etag };
    if (size >= MAX_RECORD_BYTES) {
      throw readerFailure(
        `A record at byte ${at.offset} of the object is longer than ${MAX_RECORD_BYTES} bytes`,
      );
    }
  }
}

type Compression = 'NONE' | 'GZIP' | 'ZSTD';

/** ReaderConfig's CompressionType: how the object is compressed (NONE when absent). */
function compressionOf(config: JsonObject): Compression {
  const compression = config.CompressionType ?? 'NONE';
  if (compression === 'NONE' || compression === 'GZIP' || compression === 'ZSTD') return compression;
  throw readerFailure(`The CompressionType ${JSON.stringify(compression)} is not one of GZIP, ZSTD and NONE`);
}

const decompressor = (compression: 'GZIP' | 'ZSTD'): ReturnType<typeof createGunzip> =>
  compression === 'GZIP' ? createGunzip() : createZstdDecompress();

const notDecompressed = (compression: string, error: unknown) =>
  readerFailure(`The object cannot be decompressed as ${compression}: ${(error as Error).message}`);

/** A whole object decompressed (a JSON object is parsed whole anyway). */
async function decompressed(bytes: Buffer, compression: Compression): Promise<Buffer> {
  if (compression === 'NONE') return bytes;
  const window = await decompressedWindow(bytes, compression, 0, Number.POSITIVE_INFINITY);
  return window.bytes;
}

/** Bytes [start, start + length) of `compressed` decompressed, streaming: decompression stops a byte past them. */
function decompressedWindow(
  compressed: Buffer,
  compression: 'GZIP' | 'ZSTD',
  start: number,
  length: number,
): Promise<{ bytes: Buffer; ended: boolean }> {
  const stream = decompressor(compression);
  const parts: Buffer[] = [];
  let position = 0;
  let kept = 0;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (ended: boolean) => {
      if (settled) return;
      settled = true;
      stream.destroy();
      resolve({ bytes: Buffer.concat(parts), ended });
    };
    stream.on('data', (chunk: Buffer) => {
      const from = Math.max(start - position, 0);
      position += chunk.length;
      if (from < chunk.length && kept < length) {
        const piece = chunk.subarray(from, from + Math.min(chunk.length - from, length - kept));
        parts.push(piece);
        kept += piece.length;
      }
      if (position > start + length) finish(false);
    });
    stream.on('end', () => finish(true));
    stream.on('error', (error) => {
      if (settled) return;
      settled = true;
      reject(notDecompressed(compression, error));
    });
    stream.end(compressed);
  });
}

/** The index of the last newline that ends a record (outside double quotes, for CSV), or -1. */
function lastRecordEnd(bytes: Buffer, quoted: boolean): number {
  if (!quoted) return bytes.lastIndexOf(0x0a);
  let inQuotes = false;
  let last = -1;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (byte === 0x22) inQuotes = !inQuotes;
    else if (byte === 0x0a && !inQuotes) last = i;
  }
  return last;
}

/** A CSV page: rows as objects keyed by the header (the first row's, or CSVHeaders), every value a string. */
function csvPage(chunk: Chunk, at: FileCursor, config: JsonObject): JsonObject {
  const delimiter = DELIMITERS[String(config.CSVDelimiter ?? 'COMMA')];
  if (delimiter === undefined) {
    throw readerFailure(
      `The CSVDelimiter ${JSON.stringify(config.CSVDelimiter)} is not one of ${Object.keys(DELIMITERS).join(', ')}`,
    );
  }
  let rows: string[][];
  try {
    rows = parseCsv(chunk.text, {
      delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
      bom: at.offset === 0,
    });
  } catch (error) {
    throw readerFailure(
      `The CSV object cannot be parsed near byte ${at.offset}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let header = at.header;
  if (header === undefined) {
    if (config.CSVHeaderLocation === 'GIVEN') {
      const given = config.CSVHeaders;
      if (!Array.isArray(given) || given.length === 0 || !given.every((name) => typeof name === 'string')) {
        throw readerFailure(
          'CSVHeaders must be a non-empty array of strings when CSVHeaderLocation is GIVEN',
        );
      }
      header = given as string[];
    } else {
      header = rows.shift() ?? [];
    }
    if (new Set(header).size !== header.length) throw readerFailure('CSV headers cannot contain duplicates.');
  }
  const names = header;
  const items = rows.map((row) => {
    if (row.length > names.length) {
      throw readerFailure(
        `A CSV row has ${row.length} fields but the header names ${names.length}: ${row.join(',').slice(0, 100)}`,
      );
    }
    return Object.fromEntries(names.map((name, index) => [name, row[index] ?? '']));
  });
  return {
    items,
    cursor: chunk.next === null ? null : { offset: chunk.next, etag: chunk.etag, header: names },
  };
}
