/**
 * The local server under load, as clients meet it (issue 17): the server on a free port with a fresh data folder,
 * driven over HTTP with the AWS SDK.
 *   1. Many executions started by concurrent clients (default 1,000 by 20) of a workflow with a Lambda task, a
 *      Choice and a Pass: StartExecution latency (p50, p99), and the latency of a DescribeExecution probe sent
 *      every 50 ms while the engine drains them (the API stays responsive). Then every history is checked:
 *      ids contiguous from 1, one Entered and one Exited event per state visited, every execution SUCCEEDED.
 *   2. A Map of many items (default 2,000) at MaxConcurrency 1,000 calling a Lambda task: every item's result
 *      in the output once, nothing run twice (the function counts its calls).
 *   3. Many concurrent identical StartExecution calls (default 200: same name, same input, a workflow that is
 *      still running when they arrive): one execution, every call answered with its ARN and start date.
 *   4. A soak (default 10,000 short executions, 50 at a time): the process's resident memory (RSS) and the
 *      JavaScript heap after a garbage collection, sampled as it goes. Run with `--expose-gc` for the heap
 *      figures after collection (`npm run bench:load` does).
 *
 *   npm run bench:load     (node --expose-gc bench/load.ts)
 *   node --expose-gc bench/load.ts --executions 1000 --clients 20 --items 2000 --identical 200 --soak 10000
 *
 * Exits 1 if anything is lost, run twice or wrong: a load figure of a failing run measures nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { startLocalServer } from '../shared/local/local-server.ts';

const { values } = parseArgs({
  options: {
    executions: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '20' },
    items: { type: 'string', default: '2000' },
    identical: { type: 'string', default: '200' },
    soak: { type: 'string', default: '10000' },
  },
});
const EXECUTIONS = positive('executions');
const CLIENTS = positive('clients');
const ITEMS = positive('items');
const IDENTICAL = positive('identical');
const SOAK = positive('soak');
const SOAK_AT_ONCE = 50;
const ROLE = 'arn:aws:iam::123456789012:role/StatefoldBenchRole';
const PROBE_EVERY_MS = 50;

function positive(name: keyof typeof values): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`--${name} must be a positive integer, got '${values[name]}'`);
  }
  return value;
}

const orderWorkflow = {
  StartAt: 'Price',
  States: {
    Price: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:price',
      ResultPath: '$.price',
      Next: 'Large?',
    },
    'Large?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.price.total', NumericGreaterThan: 100, Next: 'Large' }],
      Default: 'Small',
    },
    Large: { Type: 'Pass', Result: 'large', ResultPath: '$.size', End: true },
    Small: { Type: 'Pass', Result: 'small', ResultPath: '$.size', End: true },
  },
};

const mapWorkflow = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      MaxConcurrency: 1000,
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'Work',
        States: {
          Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:work', End: true },
        },
      },
      End: true,
    },
  },
};

const soakWorkflow = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };
/**
 * Still running while the identical calls arrive: AWS answers a repeated start with the original's ARN only while
 * that execution runs (a closed one gives ExecutionAlreadyExists), and Statefold does the same.
 */
const holdWorkflow = { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 60, End: true } } };

const workCalls = new Map<number, number>();
const dataDir = await mkdtemp(join(tmpdir(), 'statefold-bench-load-'));
const server = await startLocalServer({
  port: 0,
  dataDir,
  functions: {
    price: async (event: { quantity: number }) => ({ total: event.quantity * 7 }),
    work: async (event: { n: number }) => {
      workCalls.set(event.n, (workCalls.get(event.n) ?? 0) + 1);
      return { n: event.n, squared: event.n * event.n };
    },
  },
});
const client = () =>
  new SFNClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    disableHostPrefix: true,
  });
const sfn = client();

async function createMachine(name: string, definition: object): Promise<string> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }),
  );
  return stateMachineArn as string;
}

async function waitForClose(executionArn: string): Promise<{ status: string; output?: string }> {
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') {
      return {
        status: described.status as string,
        ...(described.output !== undefined ? { output: described.output } : {}),
      };
    }
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Ids 1…n in order, and each Entered event followed, before the next Entered of the chain, by its Exited. */
function historyProblem(events: readonly HistoryEvent[]): string | undefined {
  for (const [index, event] of events.entries()) {
    if (event.id !== index + 1) return `event ${index + 1} has id ${event.id}`;
  }
  const open = new Map<string, number>();
  for (const event of events) {
    const entered = event.stateEnteredEventDetails?.name;
    const exited = event.stateExitedEventDetails?.name;
    if (entered !== undefined) open.set(entered, (open.get(entered) ?? 0) + 1);
    if (exited !== undefined) {
      const count = open.get(exited) ?? 0;
      if (count === 0) return `'${exited}' exited without entering (event ${event.id})`;
      open.set(exited, count - 1);
    }
  }
  for (const [name, count] of open)
    if (count !== 0) return `'${name}' entered ${count} more times than it exited`;
  return undefined;
}

async function partOne(): Promise<string[]> {
  const arn = await createMachine('load-orders', orderWorkflow);
  const clients = Array.from({ length: CLIENTS }, client);
  const startLatencies: number[] = [];
  const probeLatencies: number[] = [];
  const executionArns: string[] = [];
  let draining = true;
  const probe = (async () => {
    const prober = client();
    while (draining) {
      const target = executionArns.at(-1);
      if (target) {
        const began = performance.now();
        await prober.send(new DescribeExecutionCommand({ executionArn: target }));
        probeLatencies.push(performance.now() - began);
      }
      await sleep(PROBE_EVERY_MS);
    }
    prober.destroy();
  })();
  const began = performance.now();
  let next = 0;
  await Promise.all(
    clients.map(async (own) => {
      for (let i = next++; i < EXECUTIONS; i = next++) {
        const callBegan = performance.now();
        const { executionArn } = await own.send(
          new StartExecutionCommand({
            stateMachineArn: arn,
            name: `order-${i}`,
            input: JSON.stringify({ quantity: i % 30 }),
          }),
        );
        startLatencies.push(performance.now() - callBegan);
        executionArns.push(executionArn as string);
      }
    }),
  );
  const startedMs = performance.now() - began;
  let failed = 0;
  for (const executionArn of executionArns) {
    const { status } = await waitForClose(executionArn);
    if (status !== 'SUCCEEDED') failed++;
  }
  const drainedMs = performance.now() - began;
  draining = false;
  await probe;
  for (const own of clients) own.destroy();
  if (failed > 0) throw new Error(`${failed} of ${EXECUTIONS} executions did not succeed`);
  const listed = await countListed(arn);
  if (listed !== EXECUTIONS) throw new Error(`ListExecutions lists ${listed} executions, not ${EXECUTIONS}`);
  for (const executionArn of executionArns) {
    const problem = historyProblem(await history(executionArn));
    if (problem) throw new Error(`${executionArn}: ${problem}`);
  }
  return [
    `| ${EXECUTIONS.toLocaleString('en-US')} executions by ${CLIENTS} clients | all SUCCEEDED and listed, histories contiguous with one Entered/Exited pair per visit | started in ${(startedMs / 1000).toFixed(1)} s, drained in ${(drainedMs / 1000).toFixed(1)} s |`,
    `| StartExecution latency under that load | p50 ${ms(percentile(startLatencies, 50))}, p99 ${ms(percentile(startLatencies, 99))}, max ${ms(Math.max(...startLatencies))} | ${startLatencies.length} calls |`,
    `| DescribeExecution every ${PROBE_EVERY_MS} ms while draining | p50 ${ms(percentile(probeLatencies, 50))}, p99 ${ms(percentile(probeLatencies, 99))}, max ${ms(Math.max(...probeLatencies))} | ${probeLatencies.length} probes |`,
  ];
}

async function countListed(stateMachineArn: string): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
    );
    count += page.executions?.length ?? 0;
    nextToken = page.nextToken;
  } while (nextToken);
  return count;
}

async function partTwo(): Promise<string[]> {
  const arn = await createMachine('load-map', mapWorkflow);
  const items = Array.from({ length: ITEMS }, (_, n) => ({ n }));
  const began = performance.now();
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ items }) }),
  );
  const { status, output } = await waitForClose(executionArn as string);
  const seconds = (performance.now() - began) / 1000;
  if (status !== 'SUCCEEDED') throw new Error(`the Map execution ended ${status}`);
  const results = JSON.parse(output ?? '[]') as Array<{ n: number; squared: number }>;
  const wrong = results.filter((result, n) => result.n !== n || result.squared !== n * n).length;
  if (results.length !== ITEMS || wrong > 0) {
    throw new Error(`the Map's output holds ${results.length} results (${wrong} wrong), not ${ITEMS}`);
  }
  const twice = [...workCalls.values()].filter((calls) => calls > 1).length;
  if (workCalls.size !== ITEMS) throw new Error(`the function ran for ${workCalls.size} items, not ${ITEMS}`);
  const problem = historyProblem(await history(executionArn as string));
  if (problem) throw new Error(`the Map execution's history: ${problem}`);
  return [
    `| Map of ${ITEMS.toLocaleString('en-US')} Lambda items, MaxConcurrency 1,000 | every result once, in order; ${twice} items invoked twice (at-least-once) | ${seconds.toFixed(1)} s (${(ITEMS / seconds).toFixed(0)} items/s) |`,
  ];
}

async function partThree(): Promise<string[]> {
  const arn = await createMachine('load-identical', holdWorkflow);
  const clients = Array.from({ length: Math.min(IDENTICAL, 50) }, client);
  const began = performance.now();
  const answers = await Promise.all(
    Array.from({ length: IDENTICAL }, (_, i) =>
      (clients[i % clients.length] as SFNClient).send(
        new StartExecutionCommand({ stateMachineArn: arn, name: 'the-one', input: '{"same":true}' }),
      ),
    ),
  );
  const seconds = (performance.now() - began) / 1000;
  for (const own of clients) own.destroy();
  const arns = new Set(answers.map((answer) => answer.executionArn));
  const dates = new Set(answers.map((answer) => answer.startDate?.getTime()));
  const listed = await countListed(arn);
  if (arns.size !== 1 || dates.size !== 1 || listed !== 1) {
    throw new Error(
      `${IDENTICAL} identical starts gave ${arns.size} ARNs, ${dates.size} start dates, ${listed} listed`,
    );
  }
  return [
    `| ${IDENTICAL} concurrent identical StartExecution calls | one execution: every call answered with its ARN and start date, one listed | ${seconds.toFixed(2)} s |`,
  ];
}

async function partFour(): Promise<string[]> {
  const arn = await createMachine('load-soak', soakWorkflow);
  const gc = (globalThis as { gc?: () => void }).gc;
  const heapAfterGc = () => {
    gc?.();
    return process.memoryUsage().heapUsed;
  };
  const samples: Array<{ done: number; rss: number; heap: number; external: number }> = [];
  const sample = (done: number) => {
    const heap = heapAfterGc();
    const { rss, external } = process.memoryUsage();
    samples.push({ done, rss, heap, external });
  };
  sample(0);
  const marks = new Set([1, 2, 3, 4].map((quarter) => Math.round((SOAK * quarter) / 4)));
  const began = performance.now();
  let next = 0;
  let done = 0;
  const clients = Array.from({ length: SOAK_AT_ONCE }, client);
  await Promise.all(
    clients.map(async (own) => {
      for (let i = next++; i < SOAK; i = next++) {
        const { executionArn } = await own.send(
          new StartExecutionCommand({ stateMachineArn: arn, name: `soak-${i}`, input: '{}' }),
        );
        for (;;) {
          const described = await own.send(new DescribeExecutionCommand({ executionArn }));
          if (described.status === 'SUCCEEDED') break;
          if (described.status !== 'RUNNING') throw new Error(`${executionArn} ended ${described.status}`);
          await sleep(20);
        }
        done++;
        if (marks.has(done)) sample(done);
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  for (const own of clients) own.destroy();
  const first = samples[0] as { rss: number; heap: number };
  const rows = samples.map(
    (s) =>
      `| after ${s.done.toLocaleString('en-US')} executions | RSS ${mib(s.rss)} (${s.rss >= first.rss ? '+' : '−'}${mib(Math.abs(s.rss - first.rss))}) | heap ${gc ? 'after GC' : '(no --expose-gc)'} ${mib(s.heap)}, external ${mib(s.external)} |`,
  );
  return [
    `| Soak: ${SOAK.toLocaleString('en-US')} one-state executions, ${SOAK_AT_ONCE} at a time | ${(SOAK / seconds).toFixed(0)} executions/s | ${seconds.toFixed(0)} s |`,
    ...rows,
  ];
}

try {
  console.log(
    `command: node ${process.execArgv.join(' ')} bench/load.ts ${process.argv.slice(2).join(' ')}`.trim(),
  );
  console.log(
    `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores); local server on ${server.endpoint}, data in ${dataDir}`,
  );
  const rows: string[] = [];
  for (const [label, part] of [
    ['1. concurrent clients', partOne],
    ['2. a large Map', partTwo],
    ['3. identical starts', partThree],
    ['4. soak', partFour],
  ] as const) {
    console.log(`running ${label}…`);
    const lines = await part();
    for (const line of lines) console.log(`  ${line}`);
    rows.push(...lines);
  }
  console.log(['', '| Load | Result | Time |', '| --- | --- | --- |', ...rows].join('\n'));
} finally {
  sfn.destroy();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
