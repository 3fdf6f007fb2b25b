/**
 * The Distributed Map benchmark (issue 14). In one process, on the local durable setup (startLocalEngine:
 * dynalite, fauxqs with its S3, the pollers feeding functions/step, task and timer), one execution runs a
 * Distributed Map whose ItemReader reads a CSV of N rows from S3, with MaxConcurrency 1,000 and a Pass processor:
 * every row a STANDARD child execution, their results written to S3 by a ResultWriter. It reports
 *   - items per second, from StartExecution to the parent's close;
 *   - the peak resident memory of the process (sampled every 100 ms) and its growth over the run, and the
 *     process's memory as the items close (at 10%, 25%, 50%, 75% and 100% of them): resident, JavaScript heap
 *     (after a full GC when run with --expose-gc), and external (Buffers), so that growth with N shows;
 *   - DynamoDB and SQS requests (and units) per item, priced at the inventory's list prices, against what AWS
 *     charges for the same run: one state transition per item of a STANDARD child run ($25 per million), and
 *     the target, a tenth of that.
 *
 *   npm run bench:map                      (100,000 items)
 *   node --expose-gc bench/distributed-map.ts --items 5000 [--concurrency 1000] [--in-memory]
 *     [--heap-snapshots folder]
 *
 * The emulators keep their data in a fresh data folder on disk (dynalite in LevelDB, fauxqs in SQLite and
 * files), as `statefold start` does; `--in-memory` keeps it in the process's memory instead (the tests' setup).
 * `--heap-snapshots` writes a heap snapshot at each of those moments into the folder, to compare in DevTools.
 *
 * Exits 1 if the execution fails or the results written do not count every item.
 */

import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describeExecution } from '../shared/engine/executions.ts';
import { executionArnOf } from '../shared/engine/names.ts';
import { startExecution } from '../shared/engine/start-execution.ts';
import { executionPartition, KEY_PREFIX } from '../shared/eventlog/table.ts';
import {
  AWS_STANDARD_DOLLARS_PER_MILLION,
  DURATION_MODEL,
  priceUsage,
  STACK_RETENTION_DAYS,
  sumDollars,
} from './engine-costs.ts';
import { createBenchMachine, startBenchEngine, waitForIdlePollers } from './engine-harness.ts';
import { billedRequests, DynamoMeter, LambdaMeter, SqsMeter } from './engine-meters.ts';

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
};

const ITEMS = argument('items', 100_000);
const MAX_CONCURRENCY = argument('concurrency', 1000);
const IN_MEMORY = process.argv.includes('--in-memory');
const SNAPSHOTS_AT = process.argv.indexOf('--heap-snapshots');
const SNAPSHOT_FOLDER = SNAPSHOTS_AT >= 0 ? process.argv[SNAPSHOTS_AT + 1] : undefined;
if (SNAPSHOTS_AT >= 0 && (SNAPSHOT_FOLDER === undefined || SNAPSHOT_FOLDER.startsWith('--'))) {
  throw new Error('--heap-snapshots needs a folder');
}
const BUCKET = 'bench-items';
const KEY = 'rows.csv';

const definition = {
  Comment: 'A Distributed Map over the rows of a CSV in S3, each row a STANDARD child run of a Pass state',
  StartAt: 'Rows',
  States: {
    Rows: {
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
        Parameters: { Bucket: BUCKET, Key: KEY },
      },
      MaxConcurrency: MAX_CONCURRENCY,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Touch',
        States: { Touch: { Type: 'Pass', End: true } },
      },
      // 100,000 results are over the 256 KiB output quota: as on AWS, they are written to S3.
      ResultWriter: {
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { Bucket: BUCKET, Prefix: 'results' },
      },
      End: true,
    },
  },
};

/** The process's memory at one moment of the run. */
interface MemorySample {
  label: string;
  /** Child executions closed by then (none for the samples after the run). */
  closed?: number;
  rss: number;
  heapUsed: number;
  /** The heap's pages the process holds, used or not: most of the resident memory that is not data. */
  heapTotal: number;
  /** Memory outside the JavaScript heap that it holds: Buffers and ArrayBuffers among it. */
  external: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function sampleMemory(label: string, closed?: number): MemorySample {
  // With --expose-gc the heap is measured after a full collection: what is still held, not garbage.
  gc?.();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  if (SNAPSHOT_FOLDER !== undefined) {
    writeHeapSnapshot(join(SNAPSHOT_FOLDER, `${closed ?? 'after'}-items.heapsnapshot`));
  }
  return { label, rss, heapUsed, heapTotal, external, ...(closed !== undefined ? { closed } : {}) };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/** The fractions of the items at whose close the memory is sampled. */
const MILESTONES = [0.1, 0.25, 0.5, 0.75, 1];

/**
 * Samples the memory when the n-th child closes, for each milestone's n, and logs it then: a run stopped
 * before its end still tells how its memory grew.
 */
function milestoneSampler(
  items: number,
  samples: MemorySample[],
  log: (line: string) => void,
  seconds: () => number,
): (childCloses: number) => void {
  const due = MILESTONES.map((fraction) => ({ fraction, at: Math.max(1, Math.round(items * fraction)) }));
  return (childCloses) => {
    while (due.length > 0 && childCloses >= (due[0]?.at ?? Infinity)) {
      const { fraction, at } = due.shift() as { fraction: number; at: number };
      const sample = sampleMemory(
        `${(fraction * 100).toFixed(0)}% (${at.toLocaleString('en-US')} items)`,
        at,
      );
      samples.push(sample);
      log(
        `  … ${sample.label} closed at ${seconds().toFixed(0)} s: rss ${mib(sample.rss)} MiB, heap ${mib(sample.heapUsed)} of ${mib(sample.heapTotal)} MiB, external ${mib(sample.external)} MiB`,
      );
    }
  };
}

type MemoryMeasure = 'rss' | 'heapUsed' | 'external';

/** KB per item that a measure grew by from one sample to a later one. */
const kbPerItem = (from: MemorySample, to: MemorySample, measure: MemoryMeasure): string =>
  ((to[measure] - from[measure]) / 1024 / ((to.closed ?? 0) - (from.closed ?? 0))).toFixed(1);

function memoryTable(samples: readonly MemorySample[]): string[] {
  const lines = [
    `| Items closed | Resident | JavaScript heap${gc ? ' (after GC)' : ''} | Heap held | External | Resident growth per item since the row before |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  samples.forEach((sample, i) => {
    const before = samples[i - 1];
    const growth =
      before?.closed !== undefined && sample.closed !== undefined
        ? `${kbPerItem(before, sample, 'rss')} KB`
        : '';
    lines.push(
      `| ${sample.label} | ${mib(sample.rss)} MiB | ${mib(sample.heapUsed)} MiB | ${mib(sample.heapTotal)} MiB | ${mib(sample.external)} MiB | ${growth} |`,
    );
  });
  return lines;
}

/** KB per item that each measure grew by from half of the items closed to all of them (past the warm-up). */
function growthPerItem(samples: readonly MemorySample[], items: number): string {
  const half = samples.find((sample) => sample.closed === Math.round(items / 2));
  const all = samples.find((sample) => sample.closed === items);
  if (!half || !all || half === all) return 'n/a';
  const kb = (measure: MemoryMeasure) => kbPerItem(half, all, measure);
  return `${kb('rss')} KB resident, ${kb('heapUsed')} KB heap, ${kb('external')} KB external`;
}

/** The bytes of the files under a folder. */
async function folderBytes(folder: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return bytes;
}

/** The succeeded executions the ResultWriter's files name, read back from S3. */
async function countWritten(endpoint: string, region: string, output: string): Promise<number> {
  const s3 = new S3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const read = async (Key: string) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    return JSON.parse(await (object.Body as { transformToString(): Promise<string> }).transformToString());
  };
  try {
    const { ResultWriterDetails } = JSON.parse(output) as { ResultWriterDetails: { Key: string } };
    const manifest = (await read(ResultWriterDetails.Key)) as {
      ResultFiles: { SUCCEEDED: { Key: string }[] };
    };
    let count = 0;
    for (const file of manifest.ResultFiles.SUCCEEDED) count += ((await read(file.Key)) as unknown[]).length;
    return count;
  } finally {
    s3.destroy();
  }
}

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  log(
    `Distributed Map benchmark: ${ITEMS.toLocaleString('en-US')} CSV rows, MaxConcurrency ${MAX_CONCURRENCY}`,
  );
  log(
    `  ${cpus().length} CPUs, Node ${process.versions.node}; emulators' data ${IN_MEMORY ? 'in memory' : 'in a data folder on disk'}${gc ? '' : ' (run with --expose-gc for the heap after GC)'}`,
  );
  const lambdaMeter = new LambdaMeter(DURATION_MODEL);
  // The breakdown tells the parent's items from its children's (a child's ARN names the Map Run's label).
  let parentPartition: string | undefined;
  const dynamoMeter = new DynamoMeter(lambdaMeter.noteRequest, (partition) => {
    if (partition === parentPartition) return 'parent';
    if (partition.startsWith(KEY_PREFIX.execution)) return 'child';
    if (partition.startsWith('mapRun#') || partition.startsWith(KEY_PREFIX.mapRun)) return 'map run';
    return undefined;
  });
  const sqsMeter = new SqsMeter(lambdaMeter.noteRequest);
  const samples: MemorySample[] = [];
  if (SNAPSHOT_FOLDER !== undefined) await mkdir(SNAPSHOT_FOLDER, { recursive: true });
  let start = performance.now();
  const atChildClose = milestoneSampler(ITEMS, samples, log, () => (performance.now() - start) / 1000);
  let childCloses = 0;
  const dataDir = IN_MEMORY ? undefined : await mkdtemp(join(tmpdir(), 'statefold-bench-map-'));
  const bench = await startBenchEngine({
    wrapHandler: lambdaMeter.wrapHandler,
    retentionDays: STACK_RETENTION_DAYS,
    ...(dataDir !== undefined ? { dataDir } : {}),
    onClose: (executionArn) => {
      if (parentPartition === undefined || executionPartition(executionArn) === parentPartition) return;
      childCloses += 1;
      atChildClose(childCloses);
    },
  });
  try {
    const { engine } = bench;
    const s3 = new S3Client({
      region: engine.deps.region,
      endpoint: engine.sqs.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const rows = Array.from({ length: ITEMS }, (_, i) => `${i},item-${i},${(i * 7) % 1000}`);
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: `id,name,score\n${rows.join('\n')}\n` }),
    );
    s3.destroy();
    const stateMachineArn = await createBenchMachine(engine.deps, 'csv-fan-out', definition);
    await waitForIdlePollers(engine);

    dynamoMeter.attach(engine.dynamodb.client);
    sqsMeter.attach(engine.sqs.client);
    samples.push(sampleMemory('0 (the CSV in S3, before the start)', 0));
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 100);
    start = performance.now();
    const executionArn = executionArnOf(stateMachineArn, 'fan-out');
    parentPartition = executionPartition(executionArn);
    const closed = bench.waitForClose(executionArn);
    await startExecution(engine.deps, { stateMachineArn, name: 'fan-out', input: '{}' });
    const progress = setInterval(() => {
      log(
        `  … ${((performance.now() - start) / 1000).toFixed(0)} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
      );
    }, 30_000);
    await closed;
    const seconds = (performance.now() - start) / 1000;
    clearInterval(progress);
    await waitForIdlePollers(engine);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    samples.push(sampleMemory('after the run, the pollers idle'));
    // The meter keeps every item's size and index keys (and the heads whole) to bill later writes: memory of
    // the benchmark's, not the engine's, which this sample leaves out.
    dynamoMeter.forgetItems();
    samples.push(sampleMemory("after that, less the DynamoDB meter's record of each item"));

    const description = await describeExecution(bench.monitor, { executionArn });
    if (description.status !== 'SUCCEEDED') {
      throw new Error(`the run ended ${description.status}: ${description.error} ${description.cause}`);
    }
    const count = await countWritten(engine.sqs.endpoint, engine.deps.region, description.output ?? '{}');
    if (count !== ITEMS)
      throw new Error(`the ResultWriter wrote ${count} succeeded executions, not ${ITEMS}`);
    const dynamo = dynamoMeter.snapshot();
    const sqs = sqsMeter.snapshot();
    const lines = priceUsage({
      load: 'batched',
      executions: 1 + ITEMS,
      transitions: ITEMS,
      seconds,
      dynamo,
      sqs,
      lambda: lambdaMeter.snapshot(),
      apiRequests: 1,
    });
    const dollars = sumDollars(lines);
    const perMillion = (dollars / ITEMS) * 1e6;
    const aws = AWS_STANDARD_DOLLARS_PER_MILLION;
    const dynamoRequests = Object.values(dynamo.requests).reduce((sum, n) => sum + n, 0);
    const sqsRequests = billedRequests(sqs.fifo) + billedRequests(sqs.standard);
    log('');
    log('| Measure | Result |');
    log('| --- | --- |');
    log(
      `| Items per second (${ITEMS.toLocaleString('en-US')} rows, MaxConcurrency ${MAX_CONCURRENCY}) | ${(ITEMS / seconds).toFixed(0)} (${seconds.toFixed(1)} s) |`,
    );
    log(
      `| Peak resident memory of the process | ${(peak / 2 ** 20).toFixed(0)} MiB (${((peak - baseline) / 2 ** 20).toFixed(0)} MiB over the start) |`,
    );
    log(
      `| DynamoDB requests per item | ${(dynamoRequests / ITEMS).toFixed(2)} (${(dynamo.writeUnits / ITEMS).toFixed(2)} write units, ${(dynamo.readUnits / ITEMS).toFixed(2)} read units) |`,
    );
    log(`| Memory growth per item, 50% → 100% of the items | ${growthPerItem(samples, ITEMS)} |`);
    if (dataDir !== undefined) {
      const bytes = await folderBytes(dataDir);
      log(
        `| Data folder on disk (dynalite, fauxqs, S3) | ${mib(bytes)} MiB (${(bytes / 1024 / ITEMS).toFixed(1)} KB per item) |`,
      );
    }
    log(`| SQS requests per item | ${(sqsRequests / ITEMS).toFixed(2)} |`);
    log(
      `| Price per million items | $${perMillion.toFixed(2)} (AWS: $${aws.toFixed(2)}, one transition per item; target ≤ $${(aws / 10).toFixed(2)}: ${perMillion <= aws / 10 ? 'met' : 'not met'}; ${(aws / perMillion).toFixed(1)}× cheaper than AWS) |`,
    );
    log('');
    for (const line of memoryTable(samples)) log(line);
    log('');
    for (const line of lines) {
      log(
        `  ${line.component}: ${line.quantity.toFixed(1)} ${line.unit}, $${((line.dollars / ITEMS) * 1e6).toFixed(2)} per million items`,
      );
    }
    log('');
    log('Per item, by operation (largest write units first):');
    log('| DynamoDB operation, item (partition) | Requests | Write units | Read units |');
    log('| --- | ---: | ---: | ---: |');
    const perItem = (n: number) => (n / ITEMS).toFixed(3);
    for (const [key, entry] of Object.entries(dynamo.byOperation).sort(
      ([, a], [, b]) => b.writeUnits - a.writeUnits || b.requests - a.requests,
    )) {
      log(
        `| ${key} | ${perItem(entry.requests)} | ${perItem(entry.writeUnits)} | ${perItem(entry.readUnits)} |`,
      );
    }
    log('');
    log('| SQS operation, queue | Billed requests |');
    log('| --- | ---: |');
    for (const [key, billed] of Object.entries(sqs.byOperation).sort(([, a], [, b]) => b - a)) {
      log(`| ${key} | ${perItem(billed)} |`);
    }
  } finally {
    await bench.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
