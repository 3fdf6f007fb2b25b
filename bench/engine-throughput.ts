import {
  type BenchEngine,
  countStateTransitions,
  createBenchMachine,
  requireSucceeded,
  runExecutions,
  startBenchEngine,
} from './engine-harness.ts';
import { BENCH_FUNCTIONS, lambdaMapDefinition, passChainDefinition } from './engine-workflows.ts';

/**
 * Part 1: state transitions per second of the local durable engine (dynalite, fauxqs, the pollers feeding
 * functions/step and task, real clock), from the first StartExecution to the last execution's close.
 */

export const CHAIN_LENGTH = 50;
export const CHAIN_CONCURRENCY = 20;
const CHAIN_ROUNDS = 3;
export const MAP_ITEMS = 200;
export const MAP_MAX_CONCURRENCY = 40;
/**
 * Executions at once and rounds. One Map execution is one FIFO message group, stepped one message at a time;
 * several at once show the engine's rate.
 */
const MAP_CONCURRENCY: ReadonlyArray<readonly [number, number]> = [
  [1, 3],
  [4, 1],
];

export interface ThroughputRow {
  workflow: string;
  /** Executions run at the same time. */
  concurrency: number;
  /** Rounds run; the row shows the median one. */
  rounds: number;
  transitions: number;
  seconds: number;
  perSecond: number;
}

export async function measureThroughput(progress: (line: string) => void): Promise<ThroughputRow[]> {
  const bench = await startBenchEngine({ functions: BENCH_FUNCTIONS });
  try {
    const chain = await createBenchMachine(
      bench.engine.deps,
      'pass-chain',
      passChainDefinition(CHAIN_LENGTH),
    );
    const map = await createBenchMachine(
      bench.engine.deps,
      'lambda-map',
      lambdaMapDefinition(MAP_MAX_CONCURRENCY),
    );
    const items = Array.from({ length: MAP_ITEMS }, (_, index) => ({ index }));
    const plans: RoundPlan[] = [
      {
        workflow: `${CHAIN_LENGTH}-state Pass chain`,
        stateMachineArn: chain,
        concurrency: CHAIN_CONCURRENCY,
        rounds: CHAIN_ROUNDS,
        input: { step: 0 },
      },
      ...MAP_CONCURRENCY.map(
        ([concurrency, rounds]): RoundPlan => ({
          workflow: `Map of ${MAP_ITEMS} Lambda tasks (MaxConcurrency ${MAP_MAX_CONCURRENCY})`,
          stateMachineArn: map,
          concurrency,
          rounds,
          input: { items },
        }),
      ),
    ];
    // Warm-up (JIT, connections, the local Lambda endpoint): each machine's first plan once, not measured.
    const warmups = plans.filter(
      (plan, i) => plans.findIndex((other) => other.stateMachineArn === plan.stateMachineArn) === i,
    );
    for (const [w, plan] of warmups.entries()) await measureRound(bench, plan, `warmup-${w}`);
    const rows: ThroughputRow[] = [];
    for (const [p, plan] of plans.entries()) {
      const rounds: ThroughputRow[] = [];
      for (let round = 1; round <= plan.rounds; round++) {
        const row = await measureRound(bench, plan, `run-${p}-${round}`);
        progress(`  ${plan.workflow}, ${plan.concurrency} at once, round ${round}: ${describeRow(row)}`);
        rounds.push(row);
      }
      rounds.sort((a, b) => a.perSecond - b.perSecond);
      rows.push(rounds[Math.floor(rounds.length / 2)] as ThroughputRow);
    }
    return rows;
  } finally {
    await bench.stop();
  }
}

interface RoundPlan {
  workflow: string;
  stateMachineArn: string;
  concurrency: number;
  rounds: number;
  input: unknown;
}

async function measureRound(bench: BenchEngine, plan: RoundPlan, prefix: string): Promise<ThroughputRow> {
  const executions = Array.from({ length: plan.concurrency }, (_, i) => ({
    name: `${prefix}-${i}`,
    input: plan.input,
  }));
  const run = await runExecutions(bench, plan.stateMachineArn, executions);
  await requireSucceeded(bench.monitor, run.executionArns);
  const transitions = await countStateTransitions(bench.monitor, run.executionArns);
  const seconds = run.ms / 1000;
  return {
    workflow: plan.workflow,
    concurrency: plan.concurrency,
    rounds: plan.rounds,
    transitions,
    seconds,
    perSecond: transitions / seconds,
  };
}

function describeRow(row: ThroughputRow): string {
  return `${row.transitions} transitions in ${row.seconds.toFixed(2)} s = ${row.perSecond.toFixed(0)}/s`;
}
