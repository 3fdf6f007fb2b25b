import { gzipSync, zstdCompressSync } from 'node:zlib';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeExecution, listExecutions, stopExecution } from '../../shared/engine/executions.ts';
import { describeMapRun } from '../../shared/engine/map-runs.ts';
import { redriveExecution } from '../../shared/engine/redrive-execution.ts';
import { startExecution } from '../../shared/engine/start-execution.ts';
import type { HistoryEvent } from '../../shared/history/to-history-event.ts';
import { PAGE_BYTES, readItemsPage, type S3Send } from '../../shared/integrations/s3-items.ts';
import { PART_BYTES } from '../../shared/integrations/service-calls.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';
import { until } from '../support/eventually.ts';

/**
 * A Distributed Map's ItemReader through the durable engine: objects put in fauxqs's S3 with the real SDK, read
 * by the task handler page by page, each item a child execution. Each form AWS has (a bucket's objects, a JSON
 * array, JSONL lines, CSV rows with their header first or given), MaxItems, a CSV larger than one page, and
 * the Map Run failing with States.ItemReaderFailed, which a Catch takes; and a ResultWriter's files, read back.
 */

let testbed: Testbed;
let s3: S3Client;
const BUCKET = 'map-items';
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

beforeAll(async () => {
  testbed = await startTestbed();
  s3 = new S3Client({ ...LOCAL, endpoint: testbed.engine.sqs.endpoint, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  s3?.destroy();
  await testbed?.stop();
});

const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
const putBytes = (Key: string, Body: Uint8Array) =>
  s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));

const distributed = (reader: object, fields: object = {}) => ({
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemReader: reader,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Echo',
        States: { Echo: { Type: 'Pass', End: true } },
      },
      End: true,
      ...fields,
    },
  },
});

const getObject = (Key: string, ReaderConfig: object) => ({
  Resource: 'arn:aws:states:::s3:getObject',
  ReaderConfig,
  Parameters: { Bucket: BUCKET, Key },
});

const outputOf = (run: { status: string; output?: string; error?: string; cause?: string }) => {
  expect(run, `${run.error}: ${run.cause}`).toMatchObject({ status: 'SUCCEEDED' });
  return JSON.parse(run.output ?? 'null') as unknown[];
};

const typesOf = (events: HistoryEvent[]) => events.map((event) => event.type);

describe('ItemReader', () => {
  it('s3:listObjectsV2 gives each object under the Prefix as AWS does: Etag, Key, LastModified, Size, StorageClass', async () => {
    await put('listed/a.txt', 'one');
    await put('listed/b.txt', 'three');
    await put('other/c.txt', 'not listed');
    const run = await testbed.run({
      definition: distributed({
        Resource: 'arn:aws:states:::s3:listObjectsV2',
        Parameters: { Bucket: BUCKET, 'Prefix.$': '$.prefix' },
      }),
      input: { prefix: 'listed/' },
    });
    const items = outputOf(run) as Record<string, unknown>[];
    expect(items.map((item) => item.Key)).toEqual(['listed/a.txt', 'listed/b.txt']);
    expect(items[0]).toEqual({
      Etag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
      Key: 'listed/a.txt',
      LastModified: expect.any(Number),
      Size: 3,
      StorageClass: 'STANDARD',
    });
    expect(Math.abs((items[0]?.LastModified as number) - Date.now() / 1000)).toBeLessThan(600);
    expect(typesOf(run.events)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('s3:getObject of a JSON array: each element an item, through ItemSelector', async () => {
    await put('orders.json', JSON.stringify([{ id: 1 }, { id: 2 }, { id: 3 }]));
    const run = await testbed.run({
      definition: distributed(getObject('orders.json', { InputType: 'JSON' }), {
        ItemSelector: { 'order.$': '$$.Map.Item.Value.id', 'index.$': '$$.Map.Item.Index' },
      }),
    });
    expect(outputOf(run)).toEqual([
      { order: 1, index: 0 },
      { order: 2, index: 1 },
      { order: 3, index: 2 },
    ]);
  });

  it('JSONL: one item per line; MaxItems stops the reading', async () => {
    await put('events.jsonl', `${[1, 2, 3, 4, 5].map((n) => JSON.stringify({ n })).join('\n')}\n`);
    const all = await testbed.run({
      definition: distributed(getObject('events.jsonl', { InputType: 'JSONL' })),
    });
    expect(outputOf(all)).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
    const some = await testbed.run({
      definition: distributed(getObject('events.jsonl', { InputType: 'JSONL', MaxItemsPath: '$.limit' })),
      input: { limit: 2 },
    });
    expect(outputOf(some)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('CSV with its header in the first row: rows as objects of strings, quoted fields kept whole', async () => {
    await put('people.csv', 'name,city\nAda,London\n"Hopper, Grace","New\nYork"\n');
    const run = await testbed.run({
      definition: distributed(getObject('people.csv', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' })),
    });
    expect(outputOf(run)).toEqual([
      { name: 'Ada', city: 'London' },
      { name: 'Hopper, Grace', city: 'New\nYork' },
    ]);
  });

  it('CSV with given headers and a PIPE delimiter, batched by an ItemBatcher after the read', async () => {
    await put('pairs.csv', '1|a\n2|b\n3|c\n');
    const run = await testbed.run({
      definition: distributed(
        getObject('pairs.csv', {
          InputType: 'CSV',
          CSVHeaderLocation: 'GIVEN',
          CSVHeaders: ['n', 'letter'],
          CSVDelimiter: 'PIPE',
        }),
        { ItemBatcher: { MaxItemsPerBatch: 2 } },
      ),
    });
    expect(outputOf(run)).toEqual([
      {
        Items: [
          { n: '1', letter: 'a' },
          { n: '2', letter: 'b' },
        ],
      },
      { Items: [{ n: '3', letter: 'c' }] },
    ]);
  });

  it('a CSV larger than one page is read in pages: every row once, in order', async () => {
    const rows = Array.from({ length: 9000 }, (_, i) => `${i},${'x'.repeat(30)}`);
    const body = `id,pad\n${rows.join('\n')}\n`;
    expect(body.length).toBeGreaterThan(2 * PAGE_BYTES);
    await put('large.csv', body);
    const run = await testbed.run({
      definition: distributed(getObject('large.csv', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }), {
        ItemSelector: { 'id.$': '$$.Map.Item.Value.id' },
        ItemBatcher: { MaxItemsPerBatch: 1000 },
      }),
    });
    const batches = outputOf(run) as { Items: { id: string }[] }[];
    const ids = batches.flatMap((batch) => batch.Items.map((item) => Number(item.id)));
    expect(ids).toEqual(rows.map((_, i) => i));
  });

  it('a JSON array and a CSV of short fields under long headers too large for one message are paged', async () => {
    const records = Array.from({ length: 3000 }, (_, i) => ({ i, text: 'y'.repeat(400) }));
    await put('big.json', JSON.stringify(records));
    const header = Array.from({ length: 8 }, (_, c) => `a_rather_long_column_name_number_${c}`);
    const rows = Array.from({ length: 8000 }, (_, i) => [i, 1, 2, 3, 4, 5, 6, 7].join(','));
    await put('narrow.csv', `${header.join(',')}\n${rows.join('\n')}\n`);
    const ids = async (key: string, config: object, field: string) => {
      const run = await testbed.run({
        definition: distributed(getObject(key, config), {
          ItemSelector: { 'v.$': `$$.Map.Item.Value.${field}` },
          ItemBatcher: { MaxItemsPerBatch: 5000 },
        }),
      });
      return (outputOf(run) as { Items: Record<string, unknown>[] }[]).flatMap((batch) =>
        batch.Items.map((item) => Number(item.v)),
      );
    };
    expect(await ids('big.json', { InputType: 'JSON' }, 'i')).toEqual(records.map((_, i) => i));
    expect(
      await ids('narrow.csv', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, header[0] as string),
    ).toEqual(rows.map((_, i) => i));
  });

  it('with MaxConcurrency lower than a page, the reader waits for children before reading on: every item once', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, pad: 'z'.repeat(90) }));
    await put('paced.jsonl', `${lines.join('\n')}\n`);
    const run = await testbed.run({
      definition: distributed(getObject('paced.jsonl', { InputType: 'JSONL' }), {
        MaxConcurrency: 5,
        ItemSelector: { 'i.$': '$$.Map.Item.Value.i', 'at.$': '$$.Map.Item.Index' },
        ItemBatcher: { MaxItemsPerBatch: 100 },
      }),
    });
    const batches = outputOf(run) as { Items: { i: number; at: number }[] }[];
    // A batch never spans two pages: a page's last batch may be short.
    expect(batches.length).toBeGreaterThanOrEqual(30);
    expect(batches.every((batch) => batch.Items.length <= 100)).toBe(true);
    const items = batches.flatMap((batch) => batch.Items);
    expect(items.map((item) => item.i)).toEqual(lines.map((_, i) => i));
    // $$.Map.Item.Index counts items across pages, not within one.
    expect(items.every((item) => item.at === item.i)).toBe(true);
  });

  it('MANIFEST: the objects an S3 Inventory report lists, across its gzipped CSV files, keyed by its fileSchema', async () => {
    const inventory = (rows: string[][]) =>
      s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `inventory/data/${rows[0]?.[1]}.csv.gz`,
          Body: gzipSync(rows.map((row) => row.map((value) => `"${value}"`).join(',')).join('\n')),
        }),
      );
    await inventory([
      ['source', 'a.txt', '10', '2026-11-30T10:00:00.000Z'],
      ['source', 'b.txt', '20', '2026-11-30T11:00:00.000Z'],
    ]);
    await inventory([['source', 'c.txt', '30', '2026-11-30T12:00:00.000Z']]);
    await put(
      'inventory/manifest.json',
      JSON.stringify({
        sourceBucket: 'source',
        destinationBucket: `arn:aws:s3:::${BUCKET}`,
        version: '2016-11-30',
        creationTimestamp: '1733000000000',
        fileFormat: 'CSV',
        fileSchema: 'Bucket, Key, Size, LastModifiedDate',
        files: [
          { key: 'inventory/data/a.txt.csv.gz', size: 80, MD5checksum: 'x' },
          { key: 'inventory/data/c.txt.csv.gz', size: 40, MD5checksum: 'y' },
        ],
      }),
    );
    const run = await testbed.run({
      definition: distributed(getObject('inventory/manifest.json', { InputType: 'MANIFEST' })),
    });
    expect(outputOf(run)).toEqual([
      { Bucket: 'source', Key: 'a.txt', Size: '10', LastModifiedDate: '2026-11-30T10:00:00.000Z' },
      { Bucket: 'source', Key: 'b.txt', Size: '20', LastModifiedDate: '2026-11-30T11:00:00.000Z' },
      { Bucket: 'source', Key: 'c.txt', Size: '30', LastModifiedDate: '2026-11-30T12:00:00.000Z' },
    ]);
  });

  it('CompressionType GZIP and ZSTD: a compressed CSV larger than a page, JSONL and a JSON array, every item once', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => `${i},${'q'.repeat(40)}`);
    const csv = `id,pad\n${rows.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(2 * PAGE_BYTES);
    await putBytes('compressed/rows.csv.gz', gzipSync(csv));
    await putBytes('compressed/rows.csv.zst', zstdCompressSync(csv));
    const ids = async (key: string, config: object, field: string) => {
      const run = await testbed.run({
        definition: distributed(getObject(key, config), {
          ItemSelector: { 'v.$': `$$.Map.Item.Value.${field}` },
          ItemBatcher: { MaxItemsPerBatch: 5000 },
        }),
      });
      return (outputOf(run) as { Items: Record<string, unknown>[] }[]).flatMap((batch) =>
        batch.Items.map((item) => Number(item.v)),
      );
    };
    const csvConfig = (CompressionType: string) => ({
      InputType: 'CSV',
      CSVHeaderLocation: 'FIRST_ROW',
      CompressionType,
    });
    expect(await ids('compressed/rows.csv.gz', csvConfig('GZIP'), 'id')).toEqual(rows.map((_, i) => i));
    expect(await ids('compressed/rows.csv.zst', csvConfig('ZSTD'), 'id')).toEqual(rows.map((_, i) => i));
    const lines = [1, 2, 3].map((n) => JSON.stringify({ n })).join('\n');
    await putBytes('compressed/lines.jsonl.zst', zstdCompressSync(lines));
    expect(
      await ids('compressed/lines.jsonl.zst', { InputType: 'JSONL', CompressionType: 'ZSTD' }, 'n'),
    ).toEqual([1, 2, 3]);
    await putBytes('compressed/array.json.gz', gzipSync(JSON.stringify([{ n: 7 }, { n: 8 }])));
    expect(
      await ids('compressed/array.json.gz', { InputType: 'JSON', CompressionType: 'GZIP' }, 'n'),
    ).toEqual([7, 8]);
  });

  it('an object that is not what its CompressionType says fails the Map Run with States.ItemReaderFailed', async () => {
    await put('compressed/plain.csv', 'a,b\n1,2\n');
    const run = await testbed.run({
      definition: distributed(
        getObject('compressed/plain.csv', { InputType: 'CSV', CompressionType: 'GZIP' }),
      ),
    });
    expect(run).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
    expect(run.cause).toContain('The object cannot be decompressed as GZIP');
  });

  it('ItemsPointer selects the array inside a JSON object, in JSONPath and in JSONata', async () => {
    await put(
      'nested.json',
      JSON.stringify({ inventory: { 'a/b': { featured: [{ id: 'x' }, { id: 'y' }] } }, other: [1] }),
    );
    const jsonPath = await testbed.run({
      definition: distributed(
        getObject('nested.json', { InputType: 'JSON', ItemsPointer: '/inventory/a~1b/featured' }),
      ),
    });
    expect(outputOf(jsonPath)).toEqual([{ id: 'x' }, { id: 'y' }]);
    const jsonata = await testbed.run({
      definition: {
        QueryLanguage: 'JSONata',
        ...distributed({
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON', ItemsPointer: '/other' },
          Arguments: { Bucket: BUCKET, Key: 'nested.json' },
        }),
      },
    });
    expect(outputOf(jsonata)).toEqual([1]);
    const missing = await testbed.run({
      definition: distributed(
        getObject('nested.json', { InputType: 'JSON', ItemsPointer: '/inventory/none' }),
      ),
    });
    expect(missing).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
    expect(missing.cause).toContain("The ItemsPointer '/inventory/none' selects nothing");
  });

  it('ManifestType ATHENA_DATA: the data files an Athena UNLOAD manifest lists, each read as InputType says', async () => {
    await put('athena/q1/part-0.csv', '1,ann\n2,bob\n');
    await put('athena/q1/part-1.csv', '3,cy\n');
    await put(
      'athena/q1-manifest.csv',
      `s3://${BUCKET}/athena/q1/part-0.csv\ns3://${BUCKET}/athena/q1/part-1.csv\n`,
    );
    const csv = await testbed.run({
      definition: distributed(
        getObject('athena/q1-manifest.csv', {
          ManifestType: 'ATHENA_DATA',
          InputType: 'CSV',
          CSVHeaderLocation: 'GIVEN',
          CSVHeaders: ['id', 'name'],
        }),
      ),
    });
    expect(outputOf(csv)).toEqual([
      { id: '1', name: 'ann' },
      { id: '2', name: 'bob' },
      { id: '3', name: 'cy' },
    ]);
    await put('athena/q2/part-0.jsonl', '{"n":1}\n{"n":2}\n');
    await put('athena/q2/part-1.jsonl', '');
    await put('athena/q2/part-2.jsonl', '{"n":3}\n');
    await put(
      'athena/q2-manifest.csv',
      ['part-0.jsonl', 'part-1.jsonl', 'part-2.jsonl']
        .map((file) => `s3://${BUCKET}/athena/q2/${file}`)
        .join('\n'),
    );
    const jsonl = await testbed.run({
      definition: distributed(
        getObject('athena/q2-manifest.csv', { ManifestType: 'ATHENA_DATA', InputType: 'JSONL' }),
      ),
    });
    expect(outputOf(jsonl)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    // Athena's UNLOAD writes GZIP data files by default.
    await putBytes('athena/q3/part-0.gz', gzipSync('{"z":1}\n{"z":2}\n'));
    await put('athena/q3-manifest.csv', `s3://${BUCKET}/athena/q3/part-0.gz\n`);
    const gzipped = await testbed.run({
      definition: distributed(
        getObject('athena/q3-manifest.csv', {
          ManifestType: 'ATHENA_DATA',
          InputType: 'JSONL',
          CompressionType: 'GZIP',
        }),
      ),
    });
    expect(outputOf(gzipped)).toEqual([{ z: 1 }, { z: 2 }]);
    await put('athena/bad-manifest.csv', 'not-a-uri\n');
    const bad = await testbed.run({
      definition: distributed(
        getObject('athena/bad-manifest.csv', { ManifestType: 'ATHENA_DATA', InputType: 'JSONL' }),
      ),
    });
    expect(bad).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
    expect(bad.cause).toContain("The Athena manifest's line 1 is not an S3 URI");
  });

  it('listObjectsV2 with Transformation LOAD_AND_FLATTEN: every listed object read as InputType says, its items in turn', async () => {
    await put('flatten/a.json', JSON.stringify([{ n: 1 }, { n: 2 }]));
    await put('flatten/b.json', JSON.stringify([{ n: 3 }]));
    await put('flattened-not/c.json', JSON.stringify([{ n: 99 }]));
    const json = await testbed.run({
      definition: distributed({
        Resource: 'arn:aws:states:::s3:listObjectsV2',
        ReaderConfig: { InputType: 'JSON', Transformation: 'LOAD_AND_FLATTEN' },
        Parameters: { Bucket: BUCKET, Prefix: 'flatten/' },
      }),
    });
    expect(outputOf(json)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await put('flatten-csv/x.csv', 'k\nalpha\n');
    await put('flatten-csv/y.csv', 'k\nbeta\ngamma\n');
    const csv = await testbed.run({
      definition: {
        QueryLanguage: 'JSONata',
        ...distributed(
          {
            Resource: 'arn:aws:states:::s3:listObjectsV2',
            ReaderConfig: {
              InputType: 'CSV',
              CSVHeaderLocation: 'FIRST_ROW',
              Transformation: 'LOAD_AND_FLATTEN',
              MaxItems: 2,
            },
            Arguments: { Bucket: BUCKET, Prefix: 'flatten-csv/' },
          },
          { ItemSelector: '{% $states.context.Map.Item.Value.k %}' },
        ),
      },
    });
    expect(outputOf(csv)).toEqual(['alpha', 'beta']);
    for (const [key, ids] of [
      ['flatten-parquet/1.parquet', [1, 2]],
      ['flatten-parquet/2.parquet', [3]],
    ] as const) {
      await putBytes(
        key,
        new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'id', data: [...ids], type: 'INT32' }] })),
      );
    }
    const parquet = await testbed.run({
      definition: distributed({
        Resource: 'arn:aws:states:::s3:listObjectsV2',
        ReaderConfig: { InputType: 'PARQUET', Transformation: 'LOAD_AND_FLATTEN' },
        Parameters: { Bucket: BUCKET, Prefix: 'flatten-parquet/' },
      }),
    });
    expect(outputOf(parquet)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('PARQUET: each row an item, across row groups and codecs, values as JSON', async () => {
    const rows = 2500;
    const parquet = (codec: 'SNAPPY' | 'GZIP' | 'ZSTD') =>
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'id', data: Array.from({ length: rows }, (_, i) => i), type: 'INT32' },
            { name: 'big', data: Array.from({ length: rows }, (_, i) => BigInt(i) * 1000n), type: 'INT64' },
            { name: 'name', data: Array.from({ length: rows }, (_, i) => `row-${i}`), type: 'STRING' },
            {
              name: 'at',
              data: Array.from({ length: rows }, (_, i) => new Date(Date.UTC(2026, 0, 1, 0, 0, i))),
              type: 'TIMESTAMP',
            },
          ],
          rowGroupSize: 1000,
          codec,
          compressors: {
            GZIP: (bytes: Uint8Array) => new Uint8Array(gzipSync(bytes)),
            ZSTD: (bytes: Uint8Array) => new Uint8Array(zstdCompressSync(bytes)),
          },
        }),
      );
    for (const codec of ['SNAPPY', 'GZIP', 'ZSTD'] as const) {
      await putBytes(`parquet/${codec}.parquet`, parquet(codec));
      const run = await testbed.run({
        definition: distributed(getObject(`parquet/${codec}.parquet`, { InputType: 'PARQUET' }), {
          ItemBatcher: { MaxItemsPerBatch: 5000 },
        }),
      });
      const items = (outputOf(run) as { Items: Record<string, unknown>[] }[]).flatMap((batch) => batch.Items);
      expect(items.map((item) => item.id)).toEqual(Array.from({ length: rows }, (_, i) => i));
      expect(items[1234]).toEqual({
        id: 1234,
        big: 1234000,
        name: 'row-1234',
        at: '2026-01-01T00:20:34.000Z',
      });
    }
  });

  it('PARQUET is read by byte ranges, a page at a time: never the whole object in one request', async () => {
    const rows = 40_000;
    const body = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: Array.from({ length: rows }, (_, i) => i), type: 'INT32' },
          {
            name: 'pad',
            data: Array.from({ length: rows }, (_, i) => `${i}-${'p'.repeat(40)}`),
            type: 'STRING',
          },
        ],
        rowGroupSize: 20_000,
        pageSize: 64 * 1024,
        codec: 'UNCOMPRESSED',
      }),
    );
    expect(body.length).toBeGreaterThan(1024 * 1024);
    await putBytes('parquet/ranged.parquet', body);
    const ranges: number[] = [];
    const send: S3Send = async (action, input) => {
      const command =
        action === 'GetObject'
          ? new GetObjectCommand(input as never)
          : new ListObjectsV2Command(input as never);
      const output = (await s3.send(command as never)) as unknown as Record<string, unknown>;
      const bytes = await (
        output.Body as { transformToByteArray(): Promise<Uint8Array> }
      ).transformToByteArray();
      ranges.push(bytes.length);
      return { ...output, Body: bytes };
    };
    const ids: number[] = [];
    let cursor: unknown = null;
    let pages = 0;
    do {
      const outcome = await readItemsPage(send, {
        resource: 'getObject',
        parameters: { Bucket: BUCKET, Key: 'parquet/ranged.parquet' },
        readerConfig: { InputType: 'PARQUET' },
        cursor: cursor as never,
        maxItems: 0,
      });
      if (!outcome.ok) throw new Error(outcome.cause);
      const page = outcome.output as { items: { id: number }[]; cursor: unknown };
      ids.push(...page.items.map((item) => item.id));
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== null);
    expect(ids).toEqual(Array.from({ length: rows }, (_, i) => i));
    expect(pages).toBeGreaterThan(2);
    expect(Math.max(...ranges)).toBeLessThan(body.length / 4);
  });

  it('an object that is not Parquet fails the Map Run with States.ItemReaderFailed', async () => {
    await put('parquet/not.parquet', 'id,name\n1,a\n');
    const run = await testbed.run({
      definition: distributed(getObject('parquet/not.parquet', { InputType: 'PARQUET' })),
    });
    expect(run).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
    expect(run.cause).toContain('Parquet');
  });

  it('a key that does not exist fails the Map Run with States.ItemReaderFailed, which a Catch takes', async () => {
    const uncaught = await testbed.run({
      definition: distributed(getObject('missing.csv', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' })),
    });
    expect(uncaught).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
    expect(uncaught.cause).toContain('NoSuchKey');
    expect(typesOf(uncaught.events).slice(-4)).toEqual([
      'MapRunStarted',
      'MapRunFailed',
      'MapStateFailed',
      'ExecutionFailed',
    ]);
    const caught = await testbed.run({
      definition: {
        ...distributed(getObject('missing.csv', { InputType: 'CSV' }), {
          Catch: [{ ErrorEquals: ['States.ItemReaderFailed'], Next: 'Recovered' }],
          End: undefined,
          Next: 'Done',
        }),
        States: {
          ...distributed(getObject('missing.csv', { InputType: 'CSV' }), {
            Catch: [{ ErrorEquals: ['States.ItemReaderFailed'], Next: 'Recovered' }],
            End: undefined,
            Next: 'Done',
          }).States,
          Recovered: { Type: 'Pass', End: true },
          Done: { Type: 'Pass', End: true },
        },
      },
    });
    expect(caught.status).toBe('SUCCEEDED');
    expect(JSON.parse(caught.output ?? 'null')).toMatchObject({ Error: 'States.ItemReaderFailed' });
  });

  it('CSV headers that repeat a name fail as AWS fails them', async () => {
    await put('dupes.csv', 'a,a\n1,2\n');
    const run = await testbed.run({
      definition: distributed(getObject('dupes.csv', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' })),
    });
    expect(run).toMatchObject({
      status: 'FAILED',
      error: 'States.ItemReaderFailed',
      cause: 'CSV headers cannot contain duplicates.',
    });
  });

  it('JSONata: Arguments and MaxItems as expressions, ItemSelector over each row read', async () => {
    await put('scores.csv', 'player,score\nann,3\nbob,5\ncy,8\n');
    const run = await testbed.run({
      definition: {
        QueryLanguage: 'JSONata',
        ...distributed(
          {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: {
              InputType: 'CSV',
              CSVHeaderLocation: 'FIRST_ROW',
              MaxItems: '{% $states.input.top %}',
            },
            Arguments: { Bucket: BUCKET, Key: '{% $states.input.key %}' },
          },
          {
            ItemSelector: {
              who: '{% $states.context.Map.Item.Value.player %}',
              points: '{% $number($states.context.Map.Item.Value.score) * 10 %}',
            },
          },
        ),
      },
      input: { key: 'scores.csv', top: 2 },
    });
    expect(outputOf(run)).toEqual([
      { who: 'ann', points: 30 },
      { who: 'bob', points: 50 },
    ]);
  });
});

describe('$$.Map.Item.Source', () => {
  const SOURCE = { 'v.$': '$$.Map.Item.Value', 's.$': '$$.Map.Item.Source' };
  /** Each child's input: the item and its Source, as ItemSelector saw them. */
  const selected = async (reader: object, fields: object = {}) => {
    const run = await testbed.run({ definition: distributed(reader, { ItemSelector: SOURCE, ...fields }) });
    return outputOf(run) as { v: unknown; s: string }[];
  };
  const sourcesOf = async (reader: object, fields: object = {}) =>
    (await selected(reader, fields)).map((item) => item.s);

  it('is STATE_DATA for items from the state input, inline or distributed, in JSONPath and JSONata', async () => {
    const inline = await testbed.run({
      definition: {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemSelector: SOURCE,
            ItemProcessor: { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      },
      input: [1, 2],
    });
    expect(outputOf(inline)).toEqual([
      { v: 1, s: 'STATE_DATA' },
      { v: 2, s: 'STATE_DATA' },
    ]);
    const definition = distributed({}, { ItemSelector: SOURCE });
    const { ItemReader: _reader, ...map } = definition.States.Each;
    const run = await testbed.run({ definition: { ...definition, States: { Each: map } }, input: [7] });
    expect(outputOf(run)).toEqual([{ v: 7, s: 'STATE_DATA' }]);
    const jsonata = await testbed.run({
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            Items: '{% [3] %}',
            ItemSelector: { s: '{% $states.context.Map.Item.Source %}' },
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Echo',
              States: { Echo: { Type: 'Pass', End: true } },
            },
            End: true,
          },
        },
      },
    });
    expect(outputOf(jsonata)).toEqual([{ s: 'STATE_DATA' }]);
  });

  it("is the bucket's URI for listObjectsV2, the object's for getObject of each InputType", async () => {
    await put('source-list/a.txt', 'a');
    await put('source-list/b.txt', 'b');
    expect(
      await sourcesOf({
        Resource: 'arn:aws:states:::s3:listObjectsV2',
        Parameters: { Bucket: BUCKET, Prefix: 'source-list/' },
      }),
    ).toEqual([`s3://${BUCKET}`, `s3://${BUCKET}`]);
    await put('source/items.json', '[1,2]');
    await put('source/items.jsonl', '{"n":1}\n{"n":2}\n');
    await put('source/items.csv', 'k\nx\ny\n');
    await putBytes(
      'source/items.parquet',
      new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'id', data: [1, 2], type: 'INT32' }] })),
    );
    for (const [key, config] of [
      ['source/items.json', { InputType: 'JSON' }],
      ['source/items.jsonl', { InputType: 'JSONL' }],
      ['source/items.csv', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }],
      ['source/items.parquet', { InputType: 'PARQUET' }],
    ] as const) {
      expect(await sourcesOf(getObject(key, config)), key).toEqual([
        `s3://${BUCKET}/${key}`,
        `s3://${BUCKET}/${key}`,
      ]);
    }
    // Batched: each item's Source, as ItemSelector sees it before the batch is made.
    const batched = await testbed.run({
      definition: distributed(
        getObject('source/items.csv', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }),
        {
          ItemSelector: SOURCE,
          ItemBatcher: { MaxItemsPerBatch: 2 },
        },
      ),
    });
    expect(outputOf(batched)).toEqual([
      {
        Items: [
          { v: { k: 'x' }, s: `s3://${BUCKET}/source/items.csv` },
          { v: { k: 'y' }, s: `s3://${BUCKET}/source/items.csv` },
        ],
      },
    ]);
  });

  it('is the URI of the object each item was read from: LOAD_AND_FLATTEN, an Athena manifest, an S3 inventory', async () => {
    await put('source-flat/a.json', '[1,2]');
    await put('source-flat/b.json', '[3]');
    const flattened = {
      Resource: 'arn:aws:states:::s3:listObjectsV2',
      ReaderConfig: { InputType: 'JSON', Transformation: 'LOAD_AND_FLATTEN' },
      Parameters: { Bucket: BUCKET, Prefix: 'source-flat/' },
    };
    const expected = [
      { v: 1, s: `s3://${BUCKET}/source-flat/a.json` },
      { v: 2, s: `s3://${BUCKET}/source-flat/a.json` },
      { v: 3, s: `s3://${BUCKET}/source-flat/b.json` },
    ];
    expect(await selected(flattened)).toEqual(expected);
    // One child at a time: each item's Source is looked up when its child starts, pages after it was read.
    expect(await selected(flattened, { MaxConcurrency: 1 })).toEqual(expected);
    expect(
      await testbed
        .run({
          definition: {
            QueryLanguage: 'JSONata',
            ...distributed(
              { ...flattened, Parameters: undefined, Arguments: flattened.Parameters },
              { ItemSelector: { s: '{% $states.context.Map.Item.Source %}' } },
            ),
          },
        })
        .then((run) => (outputOf(run) as { s: string }[]).map((item) => item.s)),
    ).toEqual(expected.map((item) => item.s));

    await put('source-athena/part-0.jsonl', '{"n":1}\n');
    await put('source-athena/part-1.jsonl', '{"n":2}\n');
    await put(
      'source-athena/manifest.csv',
      `s3://${BUCKET}/source-athena/part-0.jsonl\ns3://${BUCKET}/source-athena/part-1.jsonl\n`,
    );
    expect(
      await sourcesOf(
        getObject('source-athena/manifest.csv', { ManifestType: 'ATHENA_DATA', InputType: 'JSONL' }),
      ),
    ).toEqual([`s3://${BUCKET}/source-athena/part-0.jsonl`, `s3://${BUCKET}/source-athena/part-1.jsonl`]);

    await putBytes('source-inventory/data/one.csv.gz', gzipSync('"src","a.txt"\n"src","b.txt"\n'));
    await put(
      'source-inventory/manifest.json',
      JSON.stringify({
        sourceBucket: 'src',
        destinationBucket: `arn:aws:s3:::${BUCKET}`,
        fileFormat: 'CSV',
        fileSchema: 'Bucket, Key',
        files: [{ key: 'source-inventory/data/one.csv.gz', size: 40, MD5checksum: 'x' }],
      }),
    );
    expect(await sourcesOf(getObject('source-inventory/manifest.json', { InputType: 'MANIFEST' }))).toEqual([
      `s3://${BUCKET}/source-inventory/data/one.csv.gz`,
      `s3://${BUCKET}/source-inventory/data/one.csv.gz`,
    ]);
  });
});

const readJson = async (Key: string) => {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
  return JSON.parse(await (object.Body as { transformToString(): Promise<string> }).transformToString());
};

describe('ResultWriter', () => {
  const processor = (states: object) => ({
    ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    StartAt: 'Check',
    States: states,
  });
  const writing = (fields: object = {}) => ({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: processor({
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$.n', NumericGreaterThan: 2, Next: 'TooBig' }],
            Default: 'Fine',
          },
          TooBig: { Type: 'Fail', Error: 'TooBig', Cause: 'over two' },
          Fine: { Type: 'Pass', End: true },
        }),
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { Bucket: BUCKET, 'Prefix.$': '$.prefix' },
        },
        ToleratedFailurePercentage: 50,
        End: true,
        ...fields,
      },
    },
  });

  it('writes SUCCEEDED_0.json, FAILED_0.json and manifest.json as AWS does; the output points to the manifest', async () => {
    const run = await testbed.run({
      definition: writing(),
      input: { prefix: 'runs', items: [{ n: 1 }, { n: 2 }, { n: 3 }] },
    });
    expect(run, `${run.error}: ${run.cause}`).toMatchObject({ status: 'SUCCEEDED' });
    const output = JSON.parse(run.output ?? 'null') as {
      MapRunArn: string;
      ResultWriterDetails: { Bucket: string; Key: string };
    };
    const runId = output.MapRunArn.slice(output.MapRunArn.lastIndexOf(':') + 1);
    expect(output.ResultWriterDetails).toEqual({ Bucket: BUCKET, Key: `runs/${runId}/manifest.json` });
    const started = run.events.find((event) => event.type === 'MapRunStarted') as HistoryEvent;
    const { mapRunArn } = started.mapRunStartedEventDetails as { mapRunArn: string };
    expect(output.MapRunArn).toBe(mapRunArn);

    const manifest = await readJson(output.ResultWriterDetails.Key);
    expect(manifest).toEqual({
      DestinationBucket: BUCKET,
      MapRunArn: mapRunArn,
      ResultFiles: {
        FAILED: [{ Key: `runs/${runId}/FAILED_0.json`, Size: expect.any(Number) }],
        PENDING: [],
        SUCCEEDED: [{ Key: `runs/${runId}/SUCCEEDED_0.json`, Size: expect.any(Number) }],
      },
    });
    const succeeded = (await readJson(`runs/${runId}/SUCCEEDED_0.json`)) as Record<string, unknown>[];
    expect(succeeded.map((entry) => JSON.parse(entry.Output as string)).sort((a, b) => a.n - b.n)).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
    expect(succeeded[0]).toEqual({
      ExecutionArn: expect.stringMatching(/:execution:/),
      Input: expect.any(String),
      InputDetails: { Included: true },
      Name: expect.any(String),
      Output: expect.any(String),
      OutputDetails: { Included: true },
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      RedriveStatusReason: expect.any(String),
      StartDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      StateMachineArn: expect.any(String),
      Status: 'SUCCEEDED',
      StopDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const failed = (await readJson(`runs/${runId}/FAILED_0.json`)) as Record<string, unknown>[];
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      Status: 'FAILED',
      Error: 'TooBig',
      Cause: 'over two',
      Input: '{"n":3}',
    });
    expect(failed[0]).not.toHaveProperty('Output');
    expect(typesOf(run.events).slice(-5)).toEqual([
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('a child that succeeded in its first commit is written from its listing, as DescribeExecution describes it; a long input from its log', async () => {
    const long = 'x'.repeat(2_000);
    // A Pass processor: each child starts and succeeds in its first commit.
    const definition = writing({
      ItemProcessor: { ...processor({ Fine: { Type: 'Pass', End: true } }), StartAt: 'Fine' },
    });
    const run = await testbed.run({
      definition,
      input: { prefix: 'listed', items: [{ n: 1 }, { n: 2, long }] },
    });
    expect(run, `${run.error}: ${run.cause}`).toMatchObject({ status: 'SUCCEEDED' });
    const { MapRunArn: mapRunArn } = JSON.parse(run.output ?? 'null') as { MapRunArn: string };
    const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
    // The short child's listing carries its input and output; the long one's (over a write unit) does not.
    const listed = (await testbed.engine.deps.log.listExecutions({ mapRunArn, limit: 10 })).items;
    expect(listed.flatMap((head) => (head.result ? [head.result] : []))).toEqual([
      { input: '{"n":1}', output: '{"n":1}' },
    ]);
    const succeeded = (await readJson(`listed/${runId}/SUCCEEDED_0.json`)) as Record<string, unknown>[];
    expect(succeeded).toHaveLength(2);
    for (const entry of succeeded) {
      const description = await describeExecution(testbed.engine.deps, {
        executionArn: entry.ExecutionArn as string,
      });
      expect(entry).toEqual({
        ExecutionArn: description.executionArn,
        Input: description.input,
        InputDetails: { Included: true },
        Name: description.name,
        Output: description.output,
        OutputDetails: { Included: true },
        RedriveCount: description.redriveCount,
        RedriveStatus: description.redriveStatus,
        RedriveStatusReason: description.redriveStatusReason,
        StartDate: description.startDate.toISOString(),
        StateMachineArn: description.stateMachineArn,
        Status: 'SUCCEEDED',
        StopDate: description.stopDate?.toISOString(),
      });
    }
    expect(succeeded.map((entry) => JSON.parse(entry.Input as string).n).sort()).toEqual([1, 2]);
  });

  it('a bucket that does not exist fails the Map Run with States.ResultWriterFailed', async () => {
    const definition = writing();
    (definition.States.Each.ResultWriter.Parameters as Record<string, unknown>).Bucket = 'no-such-bucket';
    const run = await testbed.run({ definition, input: { prefix: 'x', items: [{ n: 1 }] } });
    expect(run).toMatchObject({ status: 'FAILED', error: 'States.ResultWriterFailed' });
    expect(run.cause).toContain('NoSuchBucket');
  });

  it('redriven once its bucket exists, the same Map Run writes the results: no child runs again', async () => {
    const bucket = 'written-later';
    const definition = writing();
    (definition.States.Each.ResultWriter.Parameters as Record<string, unknown>).Bucket = bucket;
    const run = await testbed.run({ definition, input: { prefix: 'late', items: [{ n: 1 }, { n: 2 }] } });
    expect(run).toMatchObject({ status: 'FAILED', error: 'States.ResultWriterFailed' });
    const started = run.events.find((event) => event.type === 'MapRunStarted') as HistoryEvent;
    const { mapRunArn } = started.mapRunStartedEventDetails as { mapRunArn: string };
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));

    await redriveExecution(testbed.engine.deps, { executionArn: run.executionArn });
    const redriven = await testbed.waitForClose(run.executionArn);
    expect(redriven.status).toBe('SUCCEEDED');
    const lastId = run.events.at(-1)?.id ?? 0;
    expect(typesOf(redriven.events.filter((event) => (event.id ?? 0) > lastId))).toEqual([
      'ExecutionRedriven',
      'MapRunRedriven',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
    const output = JSON.parse(redriven.output ?? 'null') as { MapRunArn: string };
    expect(output.MapRunArn).toBe(mapRunArn);
    const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
    const { Body } = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: `late/${runId}/SUCCEEDED_0.json` }),
    );
    const succeeded = JSON.parse((await Body?.transformToString()) ?? '[]') as Record<string, unknown>[];
    expect(succeeded.map((entry) => entry.RedriveCount)).toEqual([0, 0]);
    const { executions } = await listExecutions(testbed.engine.deps, { mapRunArn });
    expect(executions.map((execution) => execution.redriveCount ?? 0)).toEqual([0, 0]);
  });

  it('a Map Run failing beyond its tolerance writes its results first: the child that ran, the one stopped, the items never started as PENDING', async () => {
    // Two children at a time: item 0 waits, item 1 fails at once (1 of 4 is over 10%); items 2 and 3 never start.
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'n.$': '$$.Map.Item.Value.n', 'at.$': '$$.Map.Item.Index' },
          MaxConcurrency: 2,
          ToleratedFailurePercentage: 10,
          ItemProcessor: processor({
            Check: {
              Type: 'Choice',
              Choices: [
                { Variable: '$.n', NumericGreaterThan: 2, Next: 'TooBig' },
                { Variable: '$.n', NumericEquals: 0, Next: 'Long' },
              ],
              Default: 'Fine',
            },
            TooBig: { Type: 'Fail', Error: 'TooBig', Cause: 'over two' },
            Long: { Type: 'Wait', Seconds: 3600, End: true },
            Fine: { Type: 'Pass', End: true },
          }),
          ResultWriter: {
            Resource: 'arn:aws:states:::s3:putObject',
            Parameters: { Bucket: BUCKET, Prefix: 'failed-runs' },
          },
          End: true,
        },
      },
    };
    const run = await testbed.run({ definition, input: { items: [{ n: 0 }, { n: 3 }, { n: 1 }, { n: 2 }] } });
    expect(run).toMatchObject({
      status: 'FAILED',
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'The specified tolerated failure threshold was exceeded',
    });
    expect(typesOf(run.events)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunFailed',
      'MapStateFailed',
      'ExecutionFailed',
    ]);
    const started = run.events.find((event) => event.type === 'MapRunStarted') as HistoryEvent;
    const { mapRunArn } = started.mapRunStartedEventDetails as { mapRunArn: string };
    const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
    const folder = `failed-runs/${runId}`;

    const manifest = await readJson(`${folder}/manifest.json`);
    expect(manifest).toEqual({
      DestinationBucket: BUCKET,
      MapRunArn: mapRunArn,
      ResultFiles: {
        FAILED: [{ Key: `${folder}/FAILED_0.json`, Size: expect.any(Number) }],
        PENDING: [{ Key: `${folder}/PENDING_0.json`, Size: expect.any(Number) }],
        SUCCEEDED: [],
      },
    });
    const failed = (await readJson(`${folder}/FAILED_0.json`)) as Record<string, unknown>[];
    const byInput = new Map(failed.map((entry) => [entry.Input, entry]));
    expect([...byInput.keys()].sort()).toEqual(['{"n":0,"at":0}', '{"n":3,"at":1}']);
    expect(byInput.get('{"n":3,"at":1}')).toMatchObject({
      Status: 'FAILED',
      Error: 'TooBig',
      Cause: 'over two',
    });
    // The child still waiting when the run failed was stopped with it.
    expect(byInput.get('{"n":0,"at":0}')).toMatchObject({
      Status: 'ABORTED',
      ExecutionArn: expect.stringMatching(/:execution:/),
      StopDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    for (const entry of failed) expect(entry).not.toHaveProperty('Output');
    // The items never started: their inputs (as ItemSelector gives them) and status, in order, nothing more.
    expect(await readJson(`${folder}/PENDING_0.json`)).toEqual([
      { Input: '{"n":1,"at":2}', InputDetails: { Included: true }, Status: 'PENDING' },
      { Input: '{"n":2,"at":3}', InputDetails: { Included: true }, Status: 'PENDING' },
    ]);
    const { executions } = await listExecutions(testbed.engine.deps, { mapRunArn });
    expect(executions.map((execution) => execution.status).sort()).toEqual(['ABORTED', 'FAILED']);
    const described = await describeMapRun(testbed.engine.deps, { mapRunArn });
    expect(described).toMatchObject({
      status: 'FAILED',
      // The stopped child counts as aborted, not failed; the items never started stay pending, as on AWS.
      executionCounts: { succeeded: 0, failed: 1, aborted: 1, pending: 2, running: 0, total: 4 },
    });
  });

  it('a failing JSONata Map reading JSONL lists the items read and not started as PENDING, as ItemSelector made them', async () => {
    await put('failing/lines.jsonl', `${[1, 5, 6, 2, 3, 4].map((n) => JSON.stringify({ n })).join('\n')}\n`);
    // One child at a time: 0 succeeds, 1 fails (tolerated), 2 fails past the tolerance; 3, 4 and 5 never start.
    const run = await testbed.run({
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemReader: {
              Resource: 'arn:aws:states:::s3:getObject',
              ReaderConfig: { InputType: 'JSONL' },
              Arguments: { Bucket: BUCKET, Key: 'failing/lines.jsonl' },
            },
            ItemSelector: {
              n: '{% $states.context.Map.Item.Value.n %}',
              from: '{% $states.context.Map.Item.Source %}',
            },
            MaxConcurrency: 1,
            ToleratedFailureCount: 1,
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Check',
              States: {
                Check: {
                  Type: 'Choice',
                  Choices: [{ Condition: '{% $states.input.n > 4 %}', Next: 'TooBig' }],
                  Default: 'Fine',
                },
                TooBig: { Type: 'Fail', Error: 'TooBig', Cause: 'over four' },
                Fine: { Type: 'Pass', End: true },
              },
            },
            ResultWriter: {
              Resource: 'arn:aws:states:::s3:putObject',
              Arguments: { Bucket: BUCKET, Prefix: 'failed-jsonata' },
              WriterConfig: { OutputType: 'JSONL', Transformation: 'COMPACT' },
            },
            End: true,
          },
        },
      },
    });
    expect(run).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    const started = run.events.find((event) => event.type === 'MapRunStarted') as HistoryEvent;
    const { mapRunArn } = started.mapRunStartedEventDetails as { mapRunArn: string };
    const manifest = (await readJson(
      `failed-jsonata/${mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1)}/manifest.json`,
    )) as { ResultFiles: Record<string, { Key: string }[]> };
    const lines = async (status: 'SUCCEEDED' | 'FAILED' | 'PENDING') =>
      (await readText(manifest.ResultFiles[status]?.[0]?.Key ?? ''))
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const from = `s3://${BUCKET}/failing/lines.jsonl`;
    // COMPACT: a succeeded child's output; failed and pending entries as with NONE, whatever the Transformation.
    expect(await lines('SUCCEEDED')).toEqual([{ n: 1, from }]);
    const failed = (await lines('FAILED')).map((entry) => [entry.Status, entry.Input]);
    expect(failed.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['FAILED', JSON.stringify({ n: 5, from })],
      ['FAILED', JSON.stringify({ n: 6, from })],
    ]);
    expect(await lines('PENDING')).toEqual(
      [2, 3, 4].map((n) => ({
        Input: JSON.stringify({ n, from }),
        InputDetails: { Included: true },
        Status: 'PENDING',
      })),
    );
  });
});

const readText = async (Key: string, Bucket = BUCKET) => {
  const object = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return (object.Body as { transformToString(): Promise<string> }).transformToString();
};

describe('ResultWriter WriterConfig', () => {
  // Each child outputs [n, n], or fails when n is over 2: COMPACT keeps each output whole, FLATTEN splices it.
  const pairs = {
    ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    StartAt: 'Check',
    States: {
      Check: {
        Type: 'Choice',
        Choices: [{ Variable: '$.n', NumericGreaterThan: 2, Next: 'TooBig' }],
        Default: 'Pair',
      },
      TooBig: { Type: 'Fail', Error: 'TooBig', Cause: 'over two' },
      Pair: {
        Type: 'Pass',
        Parameters: { 'pair.$': 'States.Array($.n, $.n)' },
        OutputPath: '$.pair',
        End: true,
      },
    },
  };
  const configured = (resultWriter: object, fields: object = {}) => ({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: pairs,
        ResultWriter: resultWriter,
        ToleratedFailurePercentage: 50,
        End: true,
        ...fields,
      },
    },
  });
  const toS3 = (prefix: string, WriterConfig: object) => ({
    Resource: 'arn:aws:states:::s3:putObject',
    Parameters: { Bucket: BUCKET, Prefix: prefix },
    WriterConfig,
  });
  const manifestOf = async (run: { output?: string }) => {
    const output = JSON.parse(run.output ?? 'null') as { ResultWriterDetails: { Key: string } };
    return (await readJson(output.ResultWriterDetails.Key)) as {
      ResultFiles: Record<string, { Key: string; Size: number }[]>;
    };
  };

  it('COMPACT with OutputType JSON: SUCCEEDED_0.json holds each child output; failed children keep their metadata', async () => {
    const run = await testbed.run({
      definition: configured(toS3('compact', { OutputType: 'JSON', Transformation: 'COMPACT' })),
      input: { items: [{ n: 1 }, { n: 2 }, { n: 3 }] },
    });
    expect(run, `${run.error}: ${run.cause}`).toMatchObject({ status: 'SUCCEEDED' });
    const manifest = await manifestOf(run);
    const [succeededFile] = manifest.ResultFiles.SUCCEEDED ?? [];
    const text = await readText(succeededFile?.Key ?? '');
    expect(succeededFile?.Size).toBe(Buffer.byteLength(text));
    expect((JSON.parse(text) as number[][]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const failed = (await readJson(manifest.ResultFiles.FAILED?.[0]?.Key ?? '')) as Record<string, unknown>[];
    expect(failed).toEqual([
      expect.objectContaining({ Status: 'FAILED', Error: 'TooBig', Input: '{"n":3}' }),
    ]);
  });

  it('FLATTEN with OutputType JSONL: one line per element of every child output, in a JSONata Map', async () => {
    const run = await testbed.run({
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            Items: '{% $states.input.items %}',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Pair',
              States: {
                Pair: { Type: 'Pass', Output: '{% [$states.input.n, $states.input.n * 10] %}', End: true },
              },
            },
            ResultWriter: {
              Resource: 'arn:aws:states:::s3:putObject',
              Arguments: { Bucket: BUCKET, Prefix: '{% $states.input.prefix %}' },
              WriterConfig: { OutputType: 'JSONL', Transformation: 'FLATTEN' },
            },
            End: true,
          },
        },
      },
      input: { prefix: 'flat-lines', items: [{ n: 1 }, { n: 2 }] },
    });
    expect(run, `${run.error}: ${run.cause}`).toMatchObject({ status: 'SUCCEEDED' });
    const manifest = await manifestOf(run);
    expect(manifest.ResultFiles.SUCCEEDED?.[0]?.Key).toMatch(/^flat-lines\/[^/]+\/SUCCEEDED_0\.json$/);
    const text = await readText(manifest.ResultFiles.SUCCEEDED?.[0]?.Key ?? '');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as number);
    expect(lines.sort((a, b) => a - b)).toEqual([1, 2, 10, 20]);
  });

  it('OutputType JSONL with NONE: each line an execution as DescribeExecution gives it', async () => {
    const run = await testbed.run({
      definition: configured(toS3('none-lines', { OutputType: 'JSONL' })),
      input: { items: [{ n: 1 }, { n: 2 }] },
    });
    expect(run, `${run.error}: ${run.cause}`).toMatchObject({ status: 'SUCCEEDED' });
    const manifest = await manifestOf(run);
    const lines = (await readText(manifest.ResultFiles.SUCCEEDED?.[0]?.Key ?? ''))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.Status === 'SUCCEEDED' && typeof line.Output === 'string')).toBe(true);
  });

  it("a WriterConfig alone writes nothing and shapes the output: FLATTEN splices the children's arrays", async () => {
    const jsonPath = await testbed.run({
      definition: configured({ WriterConfig: { OutputType: 'JSON', Transformation: 'FLATTEN' } }),
      input: { items: [{ n: 1 }, { n: 2 }] },
    });
    expect(outputOf(jsonPath)).toEqual([1, 1, 2, 2]);
    const compact = await testbed.run({
      definition: configured({ WriterConfig: { OutputType: 'JSON', Transformation: 'COMPACT' } }),
      input: { items: [{ n: 1 }, { n: 2 }] },
    });
    expect(outputOf(compact)).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });
});

describe('a result file larger than one S3 request', () => {
  it('is written in parts by a multipart upload, whole, with no upload left open', async () => {
    // fauxqs's S3 takes requests of at most 11 MiB; a Map Run of 100,000 children writes a file of about 65 MB.
    const services = testbed.engine.deps.services;
    if (!services?.putObject) throw new Error('the testbed has no S3 writes');
    const entry = JSON.stringify({ Status: 'SUCCEEDED', Output: 'x'.repeat(1000) });
    const body = Buffer.from(`[${Array.from({ length: 20_000 }, () => entry).join(',')}]`);
    expect(body.byteLength).toBeGreaterThan(2 * PART_BYTES);
    await services.putObject({ bucket: BUCKET, key: 'big/SUCCEEDED_0.json', body });
    const read = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big/SUCCEEDED_0.json' }));
    const text = await read.Body?.transformToString();
    expect(text?.length).toBe(body.byteLength);
    expect(text === body.toString()).toBe(true);
    const open = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    expect(open.Uploads ?? []).toEqual([]);
  });
});

describe('ResultWriter files split by size', () => {
  // A second engine whose result files hold at most 200 bytes: AWS starts the next file past 5 GB.
  let small: Testbed;
  beforeAll(async () => {
    small = await startTestbed({ resultFileBytes: 200 });
    const client = new S3Client({ ...LOCAL, endpoint: small.engine.sqs.endpoint, forcePathStyle: true });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    client.destroy();
  });
  afterAll(async () => {
    await small?.stop();
  });

  it('writes SUCCEEDED_0.json, SUCCEEDED_1.json… each under the limit, every result once, all in the manifest', async () => {
    const items = Array.from({ length: 30 }, (_, n) => ({ n }));
    const run = await small.run({
      definition: {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Echo',
              States: { Echo: { Type: 'Pass', End: true } },
            },
            ResultWriter: {
              Resource: 'arn:aws:states:::s3:putObject',
              Parameters: { Bucket: BUCKET, Prefix: 'split' },
              WriterConfig: { OutputType: 'JSON', Transformation: 'COMPACT' },
            },
            End: true,
          },
        },
      },
      input: { items },
    });
    expect(run, `${run.error}: ${run.cause}`).toMatchObject({ status: 'SUCCEEDED' });
    const client = new S3Client({ ...LOCAL, endpoint: small.engine.sqs.endpoint, forcePathStyle: true });
    const text = async (Key: string) =>
      (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key }))).Body?.transformToString() ?? '';
    const output = JSON.parse(run.output ?? 'null') as { ResultWriterDetails: { Key: string } };
    const manifest = JSON.parse(await text(output.ResultWriterDetails.Key)) as {
      ResultFiles: Record<string, { Key: string; Size: number }[]>;
    };
    const files = manifest.ResultFiles.SUCCEEDED ?? [];
    // 30 entries of 8 or 9 bytes (`{"n":12}`) and their commas: at least two files of at most 200 bytes.
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.map((file) => file.Key.slice(file.Key.lastIndexOf('/') + 1))).toEqual(
      files.map((_, i) => `SUCCEEDED_${i}.json`),
    );
    const read: { n: number }[] = [];
    for (const file of files) {
      const body = await text(file.Key);
      expect(file.Size).toBe(Buffer.byteLength(body));
      expect(file.Size).toBeLessThanOrEqual(200);
      read.push(...(JSON.parse(body) as { n: number }[]));
    }
    client.destroy();
    expect(read.map((item) => item.n).sort((a, b) => a - b)).toEqual(items.map((item) => item.n));
    expect(manifest.ResultFiles.FAILED).toEqual([]);
  });
});

describe('stopping a Map Run', () => {
  it('StopExecution on the parent aborts its running child executions', async () => {
    const stateMachineArn = await testbed.createMachine({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Long',
            States: { Long: { Type: 'Wait', Seconds: 3600, End: true } },
          },
          End: true,
        },
      },
    });
    const deps = testbed.engine.deps;
    const { executionArn } = await startExecution(deps, {
      stateMachineArn,
      input: JSON.stringify({ items: [1, 2, 3] }),
    });
    const mapRunArn = await until('the Map Run to start', async () => {
      const started = (await testbed.history(executionArn)).find((event) => event.type === 'MapRunStarted');
      return (started?.mapRunStartedEventDetails as { mapRunArn: string } | undefined)?.mapRunArn;
    });
    const children = async () => (await listExecutions(deps, { mapRunArn })).executions;
    await until('three children waiting', async () => {
      const running = (await children()).filter((child) => child.status === 'RUNNING');
      return running.length === 3 ? running : undefined;
    });
    await stopExecution(deps, { executionArn });
    const stopped = await until('every child to end', async () => {
      const all = await children();
      return all.every((child) => child.status !== 'RUNNING') ? all : undefined;
    });
    expect(stopped.map((child) => child.status)).toEqual(['ABORTED', 'ABORTED', 'ABORTED']);
    expect((await testbed.waitForClose(executionArn)).status).toBe('ABORTED');
  });
});
