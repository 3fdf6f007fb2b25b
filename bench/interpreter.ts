/**
 * The interpreter benchmark: Statefold (virtual clock) against the npm package `aws-local-stepfunctions`, in
 * one process, on the workflows of `interpreter-workflows.ts`. Prints executions per second for each engine,
 * the ratio and whether Statefold reaches its target of 3× the peer, as a Markdown table for the README.
 * A second table sets Statefold's JSONata twin of each workflow beside its JSONPath version, against the
 * target that JSONata runs within 2× of JSONPath.
 *
 *   npm run bench                       (node bench/interpreter.ts)
 *   node bench/interpreter.ts --seconds 5   (timed seconds per engine per workflow; default 2.5)
 *   node bench/interpreter.ts --only map    (only the workflows whose name holds this text)
 *
 * Exits 1 if an engine's output is wrong: a benchmark of a failing run measures nothing.
 */

import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { type Json, jsonEquals } from '../shared/lib/json.ts';
import {
  type BenchEngine,
  type PreparedRun,
  peerEngine,
  peerHistoryEngine,
  statefoldEngine,
  statefoldHistoryEngine,
  statefoldJsonataEngine,
} from './interpreter-engines.ts';
import { BENCH_WORKFLOWS, type BenchWorkflow } from './interpreter-workflows.ts';

const TARGET_RATIO = 3;
/** JSONata within 2× of JSONPath: its rate at least half of JSONPath's. */
const JSONATA_TARGET_RATIO = 0.5;
/** Engines take turns in slices this long, so a burst of noise on the (shared, 2-core) machine hits all. */
const SLICE_MS = 250;
const WARMUP_SLICES = 2;

interface Slice {
  runs: number;
  ms: number;
}

interface EngineMeasurement {
  engine: BenchEngine;
  slices: Slice[];
}

interface WorkflowResult {
  workflow: BenchWorkflow;
  /** By engine name; an engine with nothing to run for the workflow is absent. */
  measured: Map<string, EngineMeasurement>;
}

const ENGINES = [
  statefoldEngine,
  peerEngine,
  statefoldHistoryEngine,
  peerHistoryEngine,
  statefoldJsonataEngine,
] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '2.5' }, only: { type: 'string' } },
  });
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, got '${values.seconds}'`);
  const slicesPerEngine = Math.max(1, Math.round((seconds * 1000) / SLICE_MS));

  console.log(describeSetup(seconds));
  const results: WorkflowResult[] = [];
  const only = values.only?.toLowerCase();
  for (const workflow of BENCH_WORKFLOWS) {
    if (only !== undefined && !workflow.name.toLowerCase().includes(only)) continue;
    const prepared = ENGINES.flatMap((engine) => {
      const run = engine.prepare(workflow);
      return run ? [{ engine, run }] : [];
    });
    const outputs = new Map<string, Json>();
    for (const { engine, run } of prepared)
      outputs.set(engine.name, await verifyOutput(engine, run, workflow));
    // The JSONata twin must do the same work: its output is the JSONPath version's, not merely a right one.
    const jsonataOutput = outputs.get(statefoldJsonataEngine.name);
    if (jsonataOutput !== undefined) {
      verifySameOutput(workflow, outputs.get(statefoldEngine.name) as Json, jsonataOutput);
    }
    for (let i = 0; i < WARMUP_SLICES; i++) {
      for (const { run } of prepared) await runSlice(run);
    }
    const measurements = prepared.map(({ engine }) => ({ engine, slices: [] as Slice[] }));
    for (let i = 0; i < slicesPerEngine; i++) {
      // Rotate which engine goes first, so none always runs right after the same other's garbage.
      for (let turn = 0; turn < prepared.length; turn++) {
        const index = (i + turn) % prepared.length;
        const slice = await runSlice((prepared[index] as (typeof prepared)[number]).run);
        (measurements[index] as EngineMeasurement).slices.push(slice);
      }
    }
    results.push({
      workflow,
      measured: new Map(measurements.map((measurement) => [measurement.engine.name, measurement])),
    });
    console.log(describeProgress(workflow, measurements));
  }
  console.log(`\n${formatTable(results)}`);
  console.log(`\n${formatLanguageTable(results)}`);
}

async function verifyOutput(engine: BenchEngine, run: PreparedRun, workflow: BenchWorkflow): Promise<Json> {
  const output = await run.runForOutput();
  if (!jsonEquals(output, workflow.expectedOutput)) {
    throw new Error(
      `${engine.name} gave the wrong output for '${workflow.name}':\n` +
        `  expected ${truncate(JSON.stringify(workflow.expectedOutput))}\n` +
        `  got      ${truncate(JSON.stringify(output))}`,
    );
  }
  return output;
}

function verifySameOutput(workflow: BenchWorkflow, jsonPathOutput: Json, jsonataOutput: Json): void {
  if (!jsonEquals(jsonataOutput, jsonPathOutput)) {
    throw new Error(
      `The JSONata twin of '${workflow.name}' ended with another output than the JSONPath version:\n` +
        `  JSONPath ${truncate(JSON.stringify(jsonPathOutput))}\n` +
        `  JSONata  ${truncate(JSON.stringify(jsonataOutput))}`,
    );
  }
}

/** Runs the workflow back to back for about SLICE_MS, whole runs only. */
async function runSlice(run: PreparedRun): Promise<Slice> {
  const start = performance.now();
  let runs = 0;
  let elapsed = 0;
  do {
    await run.runTimed();
    runs++;
    elapsed = performance.now() - start;
  } while (elapsed < SLICE_MS);
  return { runs, ms: elapsed };
}

/** The median of the slices' rates: one slice hit by noise moves it little. */
function measureRate(measurement: EngineMeasurement): number {
  const rates = measurement.slices.map((slice) => (slice.runs * 1000) / slice.ms).sort((a, b) => a - b);
  const middle = Math.floor(rates.length / 2);
  return rates.length % 2 === 1
    ? (rates[middle] as number)
    : ((rates[middle - 1] as number) + (rates[middle] as number)) / 2;
}

function describeSpread(measurement: EngineMeasurement): string {
  const rates = measurement.slices.map((slice) => (slice.runs * 1000) / slice.ms);
  const runs = measurement.slices.reduce((sum, slice) => sum + slice.runs, 0);
  return `${formatRate(Math.min(...rates))}–${formatRate(Math.max(...rates))}/s over ${runs} runs`;
}

function describeCommand(): string {
  if (process.env.npm_lifecycle_event === 'bench') return 'npm run bench (node bench/interpreter.ts)';
  return ['node bench/interpreter.ts', ...process.argv.slice(2)].join(' ');
}

function describeSetup(seconds: number): string {
  const cpu = cpus();
  return [
    `command: ${describeCommand()}`,
    `Node ${process.version}, ${process.platform} ${process.arch}, ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores)`,
    `peer: aws-local-stepfunctions ${readPeerVersion()}, definition validated once, runs without validation, Retry intervals overridden to 0`,
    `engines: ${ENGINES.map((engine) => engine.name).join(', ')} (the JSONata twin of each workflow, Statefold only)`,
    `method: verify each engine's output once, warm up ${WARMUP_SLICES} × ${SLICE_MS} ms each, then ` +
      `${seconds} s per engine per workflow in rotating ${SLICE_MS} ms slices; rate = median slice rate`,
  ].join('\n');
}

function describeProgress(workflow: BenchWorkflow, measurements: readonly EngineMeasurement[]): string {
  const parts = measurements.map(
    (measurement) => `${measurement.engine.name} ${describeSpread(measurement)}`,
  );
  return `${workflow.name}: ${parts.join('; ')}`;
}

function rateOf(result: WorkflowResult, engine: BenchEngine): number {
  const measurement = result.measured.get(engine.name);
  if (!measurement) throw new Error(`${engine.name} did not run '${result.workflow.name}'`);
  return measureRate(measurement);
}

/** Each workflow against the peer, as a run that wants the output only and as one that reads the history. */
function formatTable(results: readonly WorkflowResult[]): string {
  const peer = `aws-local-stepfunctions ${readPeerVersion()}`;
  const header = [
    `| Workflow | Statefold (executions/s) | ${peer} (executions/s) | Statefold ÷ peer | Statefold, history read | ${peer}, history read | Statefold ÷ peer, history read | Target ≥ ${TARGET_RATIO}× |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
  ];
  const rows = results.map((result) => {
    const ours = rateOf(result, statefoldEngine);
    const theirs = rateOf(result, peerEngine);
    const oursRead = rateOf(result, statefoldHistoryEngine);
    const theirsRead = rateOf(result, peerHistoryEngine);
    const ratio = ours / theirs;
    const ratioRead = oursRead / theirsRead;
    const verdict = ratio >= TARGET_RATIO && ratioRead >= TARGET_RATIO ? 'PASS' : 'MISS';
    return `| ${result.workflow.name} | ${formatRate(ours)} | ${formatRate(theirs)} | ${formatRatio(ratio)}× | ${formatRate(oursRead)} | ${formatRate(theirsRead)} | ${formatRatio(ratioRead)}× | ${verdict} |`;
  });
  return [...header, ...rows].join('\n');
}

function formatLanguageTable(results: readonly WorkflowResult[]): string {
  const header = [
    `| Workflow | Statefold JSONPath (executions/s) | Statefold JSONata (executions/s) | JSONata ÷ JSONPath | Target ≥ ${JSONATA_TARGET_RATIO} (within 2×) |`,
    '| --- | ---: | ---: | ---: | :---: |',
  ];
  const rows = results
    .filter((result) => result.measured.has(statefoldJsonataEngine.name))
    .map((result) => {
      const jsonPathRate = rateOf(result, statefoldEngine);
      const jsonataRate = rateOf(result, statefoldJsonataEngine);
      const ratio = jsonataRate / jsonPathRate;
      const verdict = ratio >= JSONATA_TARGET_RATIO ? 'PASS' : 'MISS';
      return `| ${result.workflow.name} | ${formatRate(jsonPathRate)} | ${formatRate(jsonataRate)} | ${formatRatio(ratio)}× | ${verdict} |`;
    });
  return [...header, ...rows].join('\n');
}

/** Rounded down, so a ratio just under the target never prints as the target. */
function formatRatio(ratio: number): string {
  return (Math.floor(ratio * 100) / 100).toFixed(2);
}

function formatRate(rate: number): string {
  return rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1);
}

function readPeerVersion(): string {
  const url = new URL('../package.json', import.meta.resolve('aws-local-stepfunctions'));
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
