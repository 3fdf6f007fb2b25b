/**
 * The durable engine benchmark (issue 4). In one process, on the local durable setup (startLocalEngine: dynalite,
 * fauxqs, the local Lambda endpoint and the pollers feeding functions/step, task and timer), it measures:
 *   1. state transitions per second, real clock: a 50-state Pass chain (20 executions at once) and a Map of
 *      200 Lambda tasks (MaxConcurrency 40);
 *   2. DynamoDB read units and bytes per step at 10 and at 10,000 events of history (target: ratio ≤ 1.2);
 *   3. AWS requests per state transition of the order-processing example, priced at list prices, in dollars
 *      per million transitions (target $2.50; AWS Step Functions Standard: $25).
 * and ends with a summary block the README quotes.
 *
 *   npm run bench:engine        (node bench/engine.ts)
 *
 * Exits 1 if an execution fails or a count does not add up: a benchmark of a failing run measures nothing.
 */

import { cpus } from 'node:os';
import {
  AWS_STANDARD_DOLLARS_PER_MILLION,
  type CostLine,
  DURATION_MODEL,
  LIST_PRICES,
  priceUsage,
  STACK_RETENTION_DAYS,
  sumDollars,
  TARGET_DOLLARS_PER_MILLION,
} from './engine-costs.ts';
import {
  HISTORY_MARKS,
  type HistoryCostResult,
  measureHistoryCost,
  WINDOW_STEPS,
} from './engine-history-cost.ts';
import type { QueueUsage } from './engine-meters.ts';
import { type CostLoad, measureRequestCost, type RequestCostResult } from './engine-request-cost.ts';
import {
  CHAIN_CONCURRENCY,
  CHAIN_LENGTH,
  MAP_ITEMS,
  measureThroughput,
  type ThroughputRow,
} from './engine-throughput.ts';

const HISTORY_RATIO_TARGET = 1.2;
const COST_LOADS: readonly CostLoad[] = ['batched', 'one at a time'];

interface PricedRun {
  requests: RequestCostResult;
  lines: CostLine[];
}
const FIRST_MARK = HISTORY_MARKS[0];
const LAST_MARK = HISTORY_MARKS[HISTORY_MARKS.length - 1] as number;

async function main(): Promise<void> {
  const started = performance.now();
  console.log(describeSetup());

  console.log('\n## 1. State transitions per second (local durable engine, real clock)\n');
  const throughput = await measureThroughput(console.log);
  console.log(`\n${formatThroughput(throughput)}`);

  console.log(`\n## 2. DynamoDB reads per step against history length\n`);
  const history = await measureHistoryCost(console.log);
  console.log(`\n${formatHistory(history)}`);

  const costs: PricedRun[] = [];
  for (const load of COST_LOADS) {
    console.log(`\n## 3. AWS requests and cost per state transition (order-processing example, ${load})\n`);
    const requests = await measureRequestCost(load, console.log);
    const lines = priceUsage(requests);
    console.log(`\n${formatRequests(requests)}`);
    console.log(`\n${formatCost(requests, lines)}`);
    costs.push({ requests, lines });
  }

  console.log(`\n## Summary\n\n${formatSummary(throughput, history, costs)}`);
  console.log(`\n(total run time ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

// ─── Setup ────────────────────────────────────────────────────────────────────────────────────────────

function describeSetup(): string {
  const cpu = cpus();
  const command =
    process.env.npm_lifecycle_event === 'bench:engine'
      ? 'npm run bench:engine (node bench/engine.ts)'
      : ['node bench/engine.ts', ...process.argv.slice(2)].join(' ');
  return [
    `command: ${command}`,
    `Node ${process.version}, ${process.platform} ${process.arch}, ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores)`,
    'engine: startLocalEngine in this process: dynalite (DynamoDB), fauxqs (SQS), the local Lambda endpoint, and',
    '  pollers feeding functions/step (2 receive loops), task (4) and timer (1), batches of up to 10, 1 s long polls',
  ].join('\n');
}

// ─── Part 1 ───────────────────────────────────────────────────────────────────────────────────────────

function formatThroughput(rows: readonly ThroughputRow[]): string {
  return [
    '| Workflow | Executions at once | State transitions | Seconds | Transitions/s |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.workflow}${row.rounds > 1 ? ` (median of ${row.rounds} rounds)` : ''} | ${row.concurrency} | ` +
        `${formatInteger(row.transitions)} | ${row.seconds.toFixed(2)} | ${formatInteger(row.perSecond)} |`,
    ),
    '',
    'State transitions = *StateEntered events in the histories; time = first StartExecution to last close.',
  ].join('\n');
}

// ─── Part 2 ───────────────────────────────────────────────────────────────────────────────────────────

function historyRatio(history: HistoryCostResult): { units: number; bytes: number } {
  const first = history.rows[0];
  const last = history.rows.at(-1);
  if (!first || !last) throw new Error('No history windows were measured');
  return { units: last.readUnits / first.readUnits, bytes: last.bytesRead / first.bytesRead };
}

function formatHistory(history: HistoryCostResult): string {
  const ratio = historyRatio(history);
  const verdict = ratio.units <= HISTORY_RATIO_TARGET ? 'PASS' : 'MISS';
  return [
    `Counter loop (Pass with States.MathAdd + Choice) in one execution: ${formatInteger(history.steps)} steps, ` +
      `${formatInteger(history.historyEvents)} history events in ${history.seconds.toFixed(1)} s.`,
    'Driven through the step use case (applyTransition) in a loop, not through SQS; every read and write is the',
    "DynamoDB event log adapter's against dynalite. Read units computed from the items read, as DynamoDB bills a",
    'strongly consistent Query: ceil(total item bytes / 4 KiB); write units ceil(item bytes / 1 KiB).',
    `Each row: the mean of ${WINDOW_STEPS} consecutive steps (two snapshot periods) from that history length on.`,
    '',
    '| History events | Read units/step | Bytes read/step | Reads/step | Write units/step | Bytes written/step | ms/step |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...history.rows.map(
      (row) =>
        `| ${formatInteger(row.historyEvents)} | ${row.readUnits.toFixed(3)} | ${formatInteger(row.bytesRead)} | ` +
        `${row.readRequests.toFixed(2)} | ${row.writeUnits.toFixed(3)} | ${formatInteger(row.bytesWritten)} | ` +
        `${row.ms.toFixed(1)} |`,
    ),
    '',
    `Read units per step at ${formatInteger(LAST_MARK)} events ÷ at ${FIRST_MARK} events: ` +
      `${formatRatioUp(ratio.units)} (target ≤ ${HISTORY_RATIO_TARGET}): ${verdict}; bytes read: ${formatRatioUp(ratio.bytes)}`,
  ].join('\n');
}

// ─── Part 3 ───────────────────────────────────────────────────────────────────────────────────────────

function formatRequests(result: RequestCostResult): string {
  const { dynamo, sqs, lambda, transitions } = result;
  const per = (n: number) => (n / transitions).toFixed(3);
  const row = (what: string, n: number) => `| ${what} | ${formatInteger(n)} | ${per(n)} |`;
  const queueRows = (name: string, usage: QueueUsage) => [
    row(`SQS ${name}: SendMessageBatch (64 KiB chunks)`, usage.sends),
    row(`SQS ${name}: ReceiveMessage with messages`, usage.receives),
    row(`SQS ${name}: DeleteMessageBatch`, usage.deletes),
    ...(usage.other > 0 ? [row(`SQS ${name}: other`, usage.other)] : []),
  ];
  const started =
    result.load === 'batched' ? 'started at once' : 'started one at a time (each after the last closed)';
  return [
    `${result.executions} executions ${started}; ${formatInteger(transitions)} state transitions ` +
      `(*StateEntered events) in ${result.seconds.toFixed(1)} s.`,
    '',
    '| Request | Count | Per transition |',
    '| --- | ---: | ---: |',
    ...Object.entries(dynamo.requests)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operation, n]) => row(`DynamoDB ${operation}`, n)),
    row('DynamoDB write units (WRU, tables + indexes)', dynamo.writeUnits),
    ...Object.entries(dynamo.writeUnitsByItem)
      .sort(([, a], [, b]) => b - a)
      .map(([kind, units]) => row(`  of which ${kind}`, units)),
    row('DynamoDB read units (RRU)', dynamo.readUnits),
    ...queueRows('FIFO transitions', sqs.fifo),
    ...queueRows('standard tasks + timers', sqs.standard),
    row('Lambda step invocations (batches)', lambda.invocations.step),
    row('Lambda task invocations (batches)', lambda.invocations.task),
    row('Lambda timer invocations (batches)', lambda.invocations.timer),
    row('Lambda api invocations (StartExecution)', lambda.invocations.api),
    row("Lambda invocations of the workflow's functions", lambda.userInvocations),
    '',
    `Not priced: ${formatInteger(sqs.fifo.emptyReceives + sqs.standard.emptyReceives)} empty receives (long polls ` +
      "that found nothing). Lambda's SQS event",
    'source mapping polls all the time whatever the load: a fixed cost per queue, not a cost per transition.',
    `Conditional puts that lost a race (billed, in the WRU above): ${dynamo.conditionFailures}.`,
  ].join('\n');
}

/** Dollars per million transitions of the orchestration (what AWS's $25 pays for) and with the user's functions. */
function costPerMillion(run: PricedRun): { engineOnly: number; total: number } {
  const perMillion = (dollars: number) => (dollars / run.requests.transitions) * 1e6;
  return {
    engineOnly: perMillion(sumDollars(run.lines, (line) => !line.userWork)),
    total: perMillion(sumDollars(run.lines)),
  };
}

function formatCost(result: RequestCostResult, lines: CostLine[]): string {
  const perMillion = (dollars: number) => (dollars / result.transitions) * 1e6;
  // AWS's $25 pays for the orchestration alone (the workflow's own functions are billed apart on AWS too), so
  // the orchestration's cost is what meets the target.
  const { engineOnly, total } = costPerMillion({ requests: result, lines });
  const verdict = engineOnly <= TARGET_DOLLARS_PER_MILLION ? 'PASS' : 'MISS';
  const model = DURATION_MODEL;
  const wallDollars = (result.lambda.wallMs / 1000) * (128 / 1024) * LIST_PRICES.lambdaArmGbSecond;
  return [
    '| Component | Quantity | Per transition | $ per million transitions |',
    '| --- | ---: | ---: | ---: |',
    ...lines.map(
      (line) =>
        `| ${line.component} | ${formatQuantity(line.quantity)} ${line.unit} | ` +
        `${(line.quantity / result.transitions).toFixed(4)} | ${perMillion(line.dollars).toFixed(3)} |`,
    ),
    `| **Total** | | | **${total.toFixed(2)}** |`,
    '',
    `Statefold's orchestration (${result.load}): $${engineOnly.toFixed(2)} per million state transitions (target ≤ ` +
      `$${TARGET_DOLLARS_PER_MILLION.toFixed(2)}: ${verdict}, ${formatMargin(engineOnly)}); AWS Step Functions ` +
      `Standard: $${AWS_STANDARD_DOLLARS_PER_MILLION.toFixed(2)} (${formatRatioDown(AWS_STANDARD_DOLLARS_PER_MILLION / engineOnly)}× Statefold).`,
    `With the invocations of the workflow's own functions (billed apart on AWS Step Functions too): $${total.toFixed(2)}.`,
    `List prices: AWS list prices (us-east-1, beyond free tiers). Items carry the TTL attribute of the stack's ` +
      `${STACK_RETENTION_DAYS}-day retention.`,
    `Lambda duration by the stated model, not this machine's clock: ${model.invocationMs} ms per invocation + ` +
      `${model.cpuMsPerMessage} ms per message + per request made inside it ${model.requestMs.dynamodb} ms ` +
      `(DynamoDB), ${model.requestMs.sqs} ms (SQS), ${model.requestMs.lambda} ms (Invoke of a workflow function).`,
    `(The handlers' wall time in this process, emulators on the same cores, would bill ` +
      `$${perMillion(wallDollars).toFixed(3)} per million at 128 MB.)`,
  ].join('\n');
}

/** How far under (or over) the target a cost is. */
function formatMargin(dollars: number): string {
  const margin = TARGET_DOLLARS_PER_MILLION - dollars;
  const percent = ((Math.abs(margin) / TARGET_DOLLARS_PER_MILLION) * 100).toFixed(0);
  return margin >= 0
    ? `margin $${margin.toFixed(2)} (${percent}%)`
    : `over by $${(-margin).toFixed(2)} (${percent}%)`;
}

// ─── Summary ──────────────────────────────────────────────────────────────────────────────────────────

function formatSummary(
  throughput: readonly ThroughputRow[],
  history: HistoryCostResult,
  costs: readonly PricedRun[],
): string {
  const [chain, ...maps] = throughput;
  const first = history.rows[0];
  const last = history.rows.at(-1);
  if (!chain || !first || !last) throw new Error('A part of the benchmark measured nothing');
  const ratio = historyRatio(history);
  const met = (ok: boolean) => (ok ? 'met' : 'missed');
  const mapRates = maps
    .map((row) => `${formatInteger(row.perSecond)}/s with ${row.concurrency} at once`)
    .join(', ');
  return [
    '```',
    `Statefold durable engine, local (dynalite + fauxqs in one Node ${process.version} process, ${cpus().length} cores):`,
    `- Throughput: ${formatInteger(chain.perSecond)} state transitions/s on a ${CHAIN_LENGTH}-state Pass chain ` +
      `(${CHAIN_CONCURRENCY} executions at once); Map of ${MAP_ITEMS} Lambda tasks: ${mapRates}.`,
    `- Per-step DynamoDB read: ${first.readUnits.toFixed(2)} RRU (${formatInteger(first.bytesRead)} B) at ` +
      `${first.historyEvents} events of history, ${last.readUnits.toFixed(2)} RRU (${formatInteger(last.bytesRead)} B) ` +
      `at ${formatInteger(last.historyEvents)}: ratio ${formatRatioUp(ratio.units)} ` +
      `(target ≤ ${HISTORY_RATIO_TARGET}: ${met(ratio.units <= HISTORY_RATIO_TARGET)}).`,
    ...costs.map((run) => {
      const { engineOnly, total } = costPerMillion(run);
      const { requests } = run;
      return (
        `- Cost of the orchestration, ${requests.executions} executions ${requests.load === 'batched' ? 'at once' : 'one at a time'}: ` +
        `$${engineOnly.toFixed(2)} per million state transitions at list prices (DynamoDB with the TTL attribute, ` +
        `SQS, Lambda by the stated duration model, HTTP API; order-processing example): target ` +
        `$${TARGET_DOLLARS_PER_MILLION.toFixed(2)} ${met(engineOnly <= TARGET_DOLLARS_PER_MILLION)} ` +
        `(${formatMargin(engineOnly)}); AWS Step Functions Standard: $${AWS_STANDARD_DOLLARS_PER_MILLION.toFixed(2)} ` +
        `(${formatRatioDown(AWS_STANDARD_DOLLARS_PER_MILLION / engineOnly)}× Statefold). With the workflow's own ` +
        `Lambda invocations: $${total.toFixed(2)}.`
      );
    }),
    '```',
  ].join('\n');
}

// ─── Numbers ──────────────────────────────────────────────────────────────────────────────────────────

function formatInteger(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function formatQuantity(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(3);
}

/** Rounded up: a ratio just over its ceiling never prints as the ceiling. */
function formatRatioUp(ratio: number): string {
  return (Math.ceil(ratio * 100) / 100).toFixed(2);
}

/** Rounded down: an advantage is never overstated. */
function formatRatioDown(ratio: number): string {
  return (Math.floor(ratio * 100) / 100).toFixed(2);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
