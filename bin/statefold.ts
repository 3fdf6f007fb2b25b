#!/usr/bin/env node
/**
 * The `statefold` command line: run a workflow in memory, validate a definition, serve the Step Functions API
 * locally, and look at the executions of a running server.
 *   statefold run <definition.json> [--input JSON|@file] [--functions module] [--integrations JSON|@file] [--machine NAME=definition.json]... [--config file] [--virtual-time] [--history]
 *   statefold validate <definition.json>
 *   statefold test <definition.json> --mocks MockConfigFile.json [--case NAME] [--state-machine NAME] [--input JSON|@file] [--functions module] [--integrations JSON|@file] [--machine NAME=definition.json]... [--config file]
 *   statefold start [--config file] [--port n] [--data-dir folder] [--quiet] [--log-level info|warn|error]
 *   statefold executions <stateMachineName|Arn> [--status S] [--endpoint-url URL]
 *   statefold history <executionArn> [--follow] [--json] [--endpoint-url URL]
 *   statefold graph <definition.json> [-o graph.svg] [--history history.json]
 *   statefold console --endpoint <deployed API URL> [--port n] [--region r]
 *   statefold dlq list|redrive [--queue transitions|tasks|timers] [--json] [--endpoint-url URL | --outputs file [--stack name] [--region r]]
 * Exit codes: 0 the execution succeeded (or the definition is valid, or the command did what it was asked),
 * 1 it failed (or the server answered an error), 2 the definition, the config or the command line is invalid.
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  paginateGetExecutionHistory,
  paginateListExecutions,
  paginateListStateMachines,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import { parseDefinition } from '../shared/asl/parse-definition.ts';
import { findUnsupportedFields } from '../shared/asl/unsupported-fields.ts';
import { collectDiagnostics, validateDefinition } from '../shared/asl/validate-definition.ts';
import { runExecution } from '../shared/composition/run-execution.ts';
import { startConsoleProxy } from '../shared/console/server/console-proxy.ts';
import { writeGraphFile } from '../shared/console/server/graph-file.ts';
import { isAnsweredError } from '../shared/engine/engine-error.ts';
import { stateMachineArnOf } from '../shared/engine/names.ts';
import type { StateMachines } from '../shared/engine/nested-in-memory.ts';
import type { LambdaHandler } from '../shared/integrations/local-functions.ts';
import { ENGINE_QUEUES_PATH, type EngineQueuesDescription } from '../shared/local/engine-queues-route.ts';
import { logExecutions } from '../shared/local/execution-log.ts';
import { prefixFunctionOutput } from '../shared/local/function-output.ts';
import {
  ConfigError,
  type ConfigMachines,
  checkIntegrations,
  DEFAULT_PORT,
  type LocalConfig,
  loadConfigMachines,
  loadLocalConfig,
} from '../shared/local/local-config.ts';
import type { LocalIntegrations } from '../shared/local/local-engine.ts';
import type { LocalServer } from '../shared/local/local-server.ts';
import {
  type DeadLetterRoute,
  ENGINE_QUEUES,
  listDeadLetters,
  redriveDeadLetters,
} from '../shared/queue/dead-letters.ts';
import {
  resolveStackRoutes,
  StackOutputsError,
  type StackQueue,
  stackQueuesFromOutputs,
} from '../shared/queue/stack-queues.ts';
import { runWorkflowTests } from '../shared/testing/test-workflow.ts';

const USAGE = `Usage:
  statefold run <definition.json> [--input JSON|@file] [--functions module] [--integrations JSON|@file] [--machine NAME=definition.json]... [--config file] [--virtual-time] [--history]
  statefold validate <definition.json>
  statefold test <definition.json> --mocks MockConfigFile.json [--case NAME] [--state-machine NAME] [--input JSON|@file] [--functions module] [--integrations JSON|@file] [--machine NAME=definition.json]... [--config file]
  statefold start [--config file] [--port n] [--data-dir folder] [--quiet] [--log-level info|warn|error]
  statefold executions <stateMachineName|Arn> [--status RUNNING|SUCCEEDED|FAILED|TIMED_OUT|ABORTED] [--endpoint-url URL]
  statefold history <executionArn> [--follow] [--json] [--endpoint-url URL]
  statefold graph <definition.json> [-o graph.svg] [--history history.json]
  statefold console --endpoint <deployed API URL> [--port n] [--region r]
  statefold dlq list|redrive [--queue transitions|tasks|timers] [--json] [--endpoint-url URL | --outputs cdk-outputs.json [--stack name] [--region r]]`;

class UsageError extends Error {}

/** A mistake in a file the command read (the config file): its message names the file and the field; exit 2. */
class InputError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return run(rest);
    case 'validate':
      return validate(rest);
    case 'test':
      return testCases(rest);
    case 'start':
      return start(rest);
    case 'executions':
      return executions(rest);
    case 'history':
      return history(rest);
    case 'graph':
      return graph(rest);
    case 'console':
      return consoleForEndpoint(rest);
    case 'dlq':
      return deadLetters(rest);
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`Unknown command '${command}'.`);
  }
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      functions: { type: 'string' },
      integrations: { type: 'string' },
      'virtual-time': { type: 'boolean', default: false },
      history: { type: 'boolean', default: false },
      name: { type: 'string' },
      'state-machine-name': { type: 'string' },
      machine: { type: 'string', multiple: true },
      config: { type: 'string' },
    },
  });
  const definitionPath = positionals[0];
  if (!definitionPath) throw new UsageError('run needs a definition file.');
  const definition = await readText(definitionPath, 'definition');
  const input = values.input === undefined ? undefined : await readArgument(values.input, '--input');
  const functions = values.functions ? await loadFunctions(values.functions) : {};
  const integrations =
    values.integrations === undefined ? undefined : await readIntegrations(values.integrations);
  const machines = await readMachines('run', values.config, values.machine);
  try {
    const result = await runExecution({
      definition,
      ...(input !== undefined ? { input } : {}),
      functions,
      ...machines,
      ...(integrations !== undefined ? { integrations } : {}),
      clock: values['virtual-time'] ? 'virtual' : 'real',
      ...(values.name ? { executionName: values.name } : {}),
      ...(values['state-machine-name'] ? { stateMachineName: values['state-machine-name'] } : {}),
    });
    const { events, childExecutions, ...summary } = result;
    // Each child execution as the run itself: its history with --history.
    const children = childExecutions?.map((child) => {
      const { events: childEvents, childExecutions: _, ...rest } = child;
      return values.history ? { ...rest, events: childEvents } : rest;
    });
    const shown = { ...summary, ...(children ? { childExecutions: children } : {}) };
    process.stdout.write(`${JSON.stringify(values.history ? { ...shown, events } : shown, null, 2)}\n`);
    return result.status === 'SUCCEEDED' ? 0 : 1;
  } catch (error) {
    if (isAnsweredError(error)) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      for (const d of error.diagnostics)
        process.stderr.write(`  ${d.severity} ${d.code} at ${d.location}: ${d.message}\n`);
      return 2;
    }
    throw error;
  }
}

/**
 * `statefold test`: every test case of a MockConfigFile (or one), each run in memory with its mocked responses;
 * prints each case's status, path and output, and exits 1 when an expectation of the file is not met.
 */
async function testCases(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      mocks: { type: 'string' },
      case: { type: 'string' },
      'state-machine': { type: 'string' },
      input: { type: 'string' },
      functions: { type: 'string' },
      integrations: { type: 'string' },
      machine: { type: 'string', multiple: true },
      config: { type: 'string' },
    },
  });
  const definitionPath = positionals[0];
  if (!definitionPath) throw new UsageError('test needs a definition file.');
  if (!values.mocks) throw new UsageError('test needs --mocks MockConfigFile.json.');
  const definition = await readText(definitionPath, 'definition');
  const mocks = await readText(values.mocks, 'mock configuration');
  const input = values.input === undefined ? undefined : await readArgument(values.input, '--input');
  const functions = values.functions ? await loadFunctions(values.functions) : {};
  const integrations =
    values.integrations === undefined ? undefined : await readIntegrations(values.integrations);
  const machines = await readMachines('test', values.config, values.machine);
  try {
    const reports = await runWorkflowTests({
      definition,
      mocks,
      functions,
      ...machines,
      ...(integrations !== undefined ? { integrations } : {}),
      ...(input !== undefined ? { input } : {}),
      ...(values.case !== undefined ? { testCase: values.case } : {}),
      ...(values['state-machine'] !== undefined ? { stateMachine: values['state-machine'] } : {}),
    });
    for (const { testCase, result, failures } of reports) {
      const outcome =
        result.status === 'SUCCEEDED'
          ? `output ${result.output}`
          : `${result.error ?? ''} ${result.cause ?? ''}`.trim();
      process.stdout.write(
        `${failures.length === 0 ? 'PASS' : 'FAIL'} ${testCase}: ${result.status} via ${result.path.join(' → ')}; ${outcome}\n`,
      );
      for (const failure of failures) process.stdout.write(`  ${failure}\n`);
    }
    const failed = reports.filter((report) => report.failures.length > 0).length;
    process.stdout.write(`${reports.length - failed} passed, ${failed} failed\n`);
    return failed === 0 ? 0 : 1;
  } catch (error) {
    if (isAnsweredError(error)) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/**
 * The machines a `states:startExecution` Task may start: the config file's (`--config`, or statefold.config.*
 * in the working folder), by ARN in the config's region and account, which the run takes too, as `statefold
 * start` would serve them; then each `--machine NAME=definition.json` (repeatable), which wins over a config
 * machine of the same ARN.
 */
async function readMachines(
  command: string,
  configFile: string | undefined,
  entries: string[] | undefined,
): Promise<{ stateMachines?: StateMachines; region?: string; accountId?: string }> {
  let config: ConfigMachines | undefined;
  try {
    config = await loadConfigMachines(configFile !== undefined ? { configFile } : {});
  } catch (error) {
    if (error instanceof ConfigError) throw new InputError(`statefold ${command}: ${error.message}`);
    throw error;
  }
  const machines: Record<string, StateMachines[string]> = {};
  if (config) {
    for (const machine of config.stateMachines) {
      machines[stateMachineArnOf(config, machine.name)] = {
        definition: machine.definition,
        type: machine.type,
      };
    }
  }
  for (const entry of entries ?? []) {
    const equals = entry.indexOf('=');
    if (equals <= 0 || equals === entry.length - 1) {
      throw new UsageError(`--machine takes NAME=definition.json (a name or ARN), got '${entry}'.`);
    }
    machines[entry.slice(0, equals)] = await readText(entry.slice(equals + 1), 'definition');
  }
  return {
    ...(Object.keys(machines).length > 0 ? { stateMachines: machines } : {}),
    ...(config ? { region: config.region, accountId: config.accountId } : {}),
  };
}

async function validate(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const definitionPath = positionals[0];
  if (!definitionPath) throw new UsageError('validate needs a definition file.');
  const text = await readText(definitionPath, 'definition');
  const result = validateDefinition(text);
  // What AWS would say, then what Statefold cannot run yet (a definition AWS accepts may still be refused here).
  const { value } = collectDiagnostics(text);
  const unsupported = value === undefined ? [] : findUnsupportedFields(value);
  const shown =
    unsupported.length === 0
      ? result
      : { ...result, result: 'FAIL', diagnostics: [...result.diagnostics, ...unsupported] };
  process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  return shown.result === 'OK' ? 0 : 2;
}

/** `statefold start`: the local server, until SIGINT or SIGTERM. */
async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const logLevel = values.quiet ? 'error' : values['log-level'];
  if (!LOG_LEVELS.includes(logLevel as never)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not '${logLevel}'.`);
  }
  let config: LocalConfig;
  try {
    config = await loadLocalConfig({
      ...(values.config !== undefined ? { configFile: values.config } : {}),
      overrides: {
        ...(values.port !== undefined ? { port: parsePort(values.port) } : {}),
        ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
      },
    });
  } catch (error) {
    // The message names the file and the field; the usage text would only bury it.
    if (error instanceof ConfigError) {
      process.stderr.write(`statefold start: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  // A definition that cannot be deployed stops start here, before the port is bound or the data folder made.
  const invalid = config.stateMachines.flatMap((machine) => {
    const { definition, diagnostics } = parseDefinition(machine.definition);
    if (definition !== undefined) return [];
    const details = diagnostics
      .filter((d) => d.severity === 'ERROR')
      .map((d) => `\n  ${d.severity} ${d.code} at ${d.location}: ${d.message}`);
    return [`${machine.definitionFile}: state machine '${machine.name}' is not valid:${details.join('')}`];
  });
  if (invalid.length > 0) {
    process.stderr.write(`statefold start: ${invalid.join('\n')}\n`);
    return 2;
  }
  let server: LocalServer;
  let dataFolderLost: (dataDir: string) => void = () => {};
  const lost = new Promise<string>((resolveLost) => {
    dataFolderLost = resolveLost;
  });
  try {
    // Loaded here, not at the top: run, validate and the client commands need none of the local engine
    // (dynalite, fauxqs, the SDK clients), and start must be able to quiet it before it loads.
    silenceSqliteWarning();
    const { startLocalServer } = await import('../shared/local/local-server.ts');
    server = await startLocalServer({
      port: config.port,
      dataDir: config.dataDir,
      region: config.region,
      accountId: config.accountId,
      functions: config.functions,
      stateMachines: config.stateMachines,
      ...(config.integrations !== undefined ? { integrations: config.integrations } : {}),
      ...(config.mocks !== undefined ? { mocks: config.mocks.config } : {}),
      onDataFolderLost: (dataDir) => dataFolderLost(dataDir),
    });
  } catch (error) {
    process.stderr.write(`statefold start: ${(error as Error).message}\n`);
    return 1;
  }
  // A function's console output names the function and the execution that ran it, whatever the level.
  prefixFunctionOutput();
  // info: the banner and a line per execution started and ended; warn and error (and --quiet): the endpoint
  // only. The server's own errors go to stderr, prefixed, whatever the level.
  if (logLevel === 'info') {
    process.stdout.write(describeServer(server, config));
    logExecutions(server.engine.deps, (line) => process.stdout.write(`${line}\n`));
  } else {
    process.stdout.write(`Statefold is running at ${server.endpoint}\n`);
  }
  const signal = await Promise.race([
    new Promise<NodeJS.Signals>((resolveSignal) => {
      process.once('SIGINT', resolveSignal);
      process.once('SIGTERM', resolveSignal);
    }),
    lost.then((dataDir) => ({ lost: dataDir })),
  ]);
  if (typeof signal === 'object') {
    // Whatever the engine writes now is lost at exit: saying so beats answering as if nothing happened.
    process.stderr.write(
      `statefold start: the data folder ${signal.lost} was deleted while the server ran: its state machines ` +
        'and executions are gone, and nothing written now would be kept. Stopping.\n',
    );
    await server.stop().catch(() => undefined);
    return 1;
  }
  // A second signal does not wait for tasks still running.
  const force = () => process.exit(130);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  process.stdout.write(`\n${signal}: stopping (running executions resume at the next start)…\n`);
  await server.stop();
  process.stdout.write(`Stopped. The data stays in ${server.dataDir}.\n`);
  process.off('SIGINT', force);
  process.off('SIGTERM', force);
  return 0;
}

/**
 * fauxqs keeps the queues in node:sqlite, which Node 22 announces as experimental when it first loads: a
 * warning about Statefold's insides that a user of `statefold start` can do nothing about. Other warnings pass.
 */
function silenceSqliteWarning(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.startsWith('SQLite is an experimental feature')) return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}

const LOG_LEVELS = ['info', 'warn', 'error'] as const;

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be 0-65535, not '${value}'.`);
  return port;
}

/** What `start` prints: where the server is, what it serves, and three AWS CLI commands to try it with. */
function describeServer(server: LocalServer, config: LocalConfig): string {
  const lines = [
    `Statefold is running at ${server.endpoint}`,
    `  console:   ${server.endpoint}/console/`,
    `  config:    ${config.configFile ?? '(none: defaults)'}`,
    `  data:      ${server.dataDir} (delete it to start afresh)`,
    `  functions: ${Object.keys(config.functions).join(', ') || '(none)'}`,
    ...(config.mocks
      ? [`  mocks:     ${config.mocks.file} (start-execution --state-machine-arn <arn>#<TestCase>)`]
      : []),
    ...describeServiceEndpoints(server.engine.serviceEndpoints),
    ...server.stateMachines.map(
      (machine) => `  state machine ${machine.name} (${machine.outcome}): ${machine.stateMachineArn}`,
    ),
    '',
    'Try it with the AWS CLI (any credentials will do):',
    `  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=${config.region}`,
    // StartSyncExecution is sent to a `sync-` prefixed host, which 127.0.0.1 cannot be; botocore's own setting
    // sends it to the endpoint as given.
    '  export AWS_DISABLE_HOST_PREFIX_INJECTION=true   # for StartSyncExecution (the AWS CLI, boto3)',
  ];
  const endpoint = `--endpoint-url ${server.endpoint}`;
  const machine = server.stateMachines[0];
  if (machine) {
    const inputFile = config.stateMachines.find((entry) => entry.name === machine.name)?.inputFile;
    const name = `try-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
    const executionArn = `${machine.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const input =
      inputFile === undefined ? '' : ` --input ${quote(`file://${relative(process.cwd(), inputFile)}`)}`;
    lines.push(
      `  aws stepfunctions start-execution ${endpoint} --state-machine-arn ${machine.stateMachineArn} --name ${name}${input}`,
      `  aws stepfunctions describe-execution ${endpoint} --execution-arn ${executionArn}`,
      `  aws stepfunctions get-execution-history ${endpoint} --execution-arn ${executionArn}`,
      '',
      `Follow it live:  npx statefold history ${executionArn} --follow ${endpoint}`,
    );
  } else {
    lines.push(
      `  aws stepfunctions list-state-machines ${endpoint}`,
      `  aws stepfunctions create-state-machine ${endpoint} --name hello --role-arn arn:aws:iam::${config.accountId}:role/StatefoldExecutionRole --definition '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}'`,
      `  aws stepfunctions start-execution ${endpoint} --state-machine-arn arn:aws:states:${config.region}:${config.accountId}:stateMachine:hello`,
    );
  }
  lines.push('Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

function quote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`;
}

/** `statefold executions`: the executions of a state machine of a running server, newest first. */
async function executions(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'endpoint-url': { type: 'string' }, status: { type: 'string' } },
  });
  const machine = positionals[0];
  if (!machine) throw new UsageError('executions needs a state machine name or ARN.');
  const status = values.status?.toUpperCase();
  if (status !== undefined && !EXECUTION_STATUSES.has(status)) {
    throw new UsageError(`--status must be one of ${[...EXECUTION_STATUSES].join(', ')}.`);
  }
  return withSfn(values['endpoint-url'], async (sfn, endpoint) => {
    const stateMachineArn = machine.startsWith('arn:') ? machine : await findStateMachine(sfn, machine);
    if (stateMachineArn === undefined) {
      process.stderr.write(`No state machine named '${machine}' at ${endpoint}.\n`);
      return 1;
    }
    const rows: string[][] = [];
    for await (const page of paginateListExecutions(
      { client: sfn, pageSize: 1000 },
      { stateMachineArn, ...(status !== undefined ? { statusFilter: status as ExecutionStatus } : {}) },
    )) {
      for (const execution of page.executions ?? []) {
        rows.push([
          execution.name ?? '',
          execution.status ?? '',
          execution.startDate?.toISOString() ?? '',
          execution.stopDate?.toISOString() ?? '-',
          execution.executionArn ?? '',
        ]);
      }
    }
    if (rows.length === 0) {
      process.stdout.write(`No ${status ?? ''}${status ? ' ' : ''}executions of ${stateMachineArn}.\n`);
      return 0;
    }
    process.stdout.write(formatTable([['NAME', 'STATUS', 'STARTED', 'STOPPED', 'ARN'], ...rows]));
    return 0;
  });
}

const EXECUTION_STATUSES = new Set([
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
]);

async function findStateMachine(sfn: SFNClient, name: string): Promise<string | undefined> {
  for await (const page of paginateListStateMachines({ client: sfn, pageSize: 1000 }, {})) {
    const found = page.stateMachines?.find((machine) => machine.name === name);
    if (found) return found.stateMachineArn;
  }
  return undefined;
}

function formatTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  '),
    )
    .map((line) => `${line}\n`)
    .join('');
}

const CLOSING_EVENTS: Record<string, number> = {
  ExecutionSucceeded: 0,
  ExecutionFailed: 1,
  ExecutionTimedOut: 1,
  ExecutionAborted: 1,
};
/** How often `history --follow` asks for new events. */
const FOLLOW_INTERVAL_MS = 500;

/**
 * `statefold history`: an execution's events, one a line (or JSON lines with --json). With --follow it keeps
 * asking for the events after the last one printed until the execution closes, then exits 0 if it succeeded
 * and 1 otherwise. GetExecutionHistory gives no token past the newest event, so each poll reads newest first
 * (reverseOrder, paged with nextToken) back to the last event printed: a poll costs what it brings.
 */
async function history(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'endpoint-url': { type: 'string' },
      follow: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const executionArn = positionals[0];
  if (!executionArn) throw new UsageError('history needs an execution ARN.');
  const print = (event: HistoryEvent) =>
    process.stdout.write(values.json ? `${JSON.stringify(event)}\n` : formatEvent(event));
  return withSfn(values['endpoint-url'], async (sfn) => {
    let lastId = 0;
    let exitCode: number | undefined;
    const show = (events: readonly HistoryEvent[]) => {
      for (const event of events) {
        print(event);
        lastId = event.id ?? lastId;
        const closing = CLOSING_EVENTS[event.type ?? ''];
        if (closing !== undefined) exitCode = closing;
      }
    };
    for await (const page of paginateGetExecutionHistory({ client: sfn, pageSize: 1000 }, { executionArn })) {
      show(page.events ?? []);
    }
    if (!values.follow) return 0;
    while (exitCode === undefined) {
      await new Promise((resolveSleep) => setTimeout(resolveSleep, FOLLOW_INTERVAL_MS));
      show(await eventsAfter(sfn, executionArn, lastId));
    }
    return exitCode;
  });
}

async function eventsAfter(sfn: SFNClient, executionArn: string, lastId: number): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 100, nextToken }),
    );
    for (const event of page.events ?? []) {
      if ((event.id ?? 0) <= lastId) return fresh.reverse();
      fresh.push(event);
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return fresh.reverse();
}

/** `   7  2026-01-01T12:00:00.000Z  TaskStateEntered  ValidateOrder`: the details that say most, shortened. */
function formatEvent(event: HistoryEvent): string {
  const details = Object.entries(event).find(
    ([key, value]) => key.endsWith('EventDetails') && typeof value === 'object' && value !== null,
  )?.[1] as Record<string, unknown> | undefined;
  const closingOrStart = event.type === 'ExecutionStarted' || CLOSING_EVENTS[event.type ?? ''] !== undefined;
  const summary = [
    details?.index !== undefined ? `${details.name}[${details.index}]` : details?.name,
    details?.resourceType !== undefined ? `${details.resourceType}:${details.resource}` : details?.resource,
    details?.error !== undefined ? `error=${details.error}` : undefined,
    details?.cause !== undefined ? `cause=${details.cause}` : undefined,
    closingOrStart && details?.input !== undefined ? `input=${details.input}` : undefined,
    closingOrStart && details?.output !== undefined ? `output=${details.output}` : undefined,
  ]
    .filter((part): part is string => typeof part === 'string')
    .map((part) => part.replace(/\s*\n\s*/g, ' '))
    .map((part) => (part.length > 200 ? `${part.slice(0, 199)}…` : part))
    .join('  ');
  const time = event.timestamp?.toISOString() ?? '';
  const line = `${String(event.id ?? '').padStart(4)}  ${time}  ${(event.type ?? '').padEnd(30)}  ${summary}`;
  return `${line.trimEnd()}\n`;
}

/**
 * A Step Functions client for the local server: any credentials do, and no host prefix (StartSyncExecution's
 * `sync-` would name a host that does not resolve). Errors the server answers are printed, exit code 1.
 */
async function withSfn(
  endpointUrl: string | undefined,
  use: (sfn: SFNClient, endpoint: string) => Promise<number>,
): Promise<number> {
  const endpoint = endpointUrl ?? `http://127.0.0.1:${process.env.STATEFOLD_PORT || DEFAULT_PORT}`;
  const sfn = new SFNClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    disableHostPrefix: true,
  });
  try {
    return await use(sfn, endpoint);
  } catch (error) {
    if (error instanceof SFNServiceException) {
      process.stderr.write(`${error.name}: ${error.message}\n`);
      return 1;
    }
    if (isConnectionRefused(error)) {
      process.stderr.write(
        `No Statefold server answers at ${endpoint}: start one with \`statefold start\`.\n`,
      );
      return 1;
    }
    throw error;
  } finally {
    sfn.destroy();
  }
}

function isConnectionRefused(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ECONNREFUSED') return true;
    if (cause instanceof AggregateError && cause.errors.some(isConnectionRefused)) return true;
  }
  return false;
}

/** The integrations' endpoints, one service a line, for the AWS CLI's `--endpoint-url`. */
function describeServiceEndpoints(endpoints: Readonly<Record<string, string>>): string[] {
  const names: Record<string, string> = { dynamodb: 'DynamoDB', sqs: 'SQS', sns: 'SNS', s3: 'S3' };
  return [
    "  services (the --endpoint-url of Task states' integrations):",
    ...Object.entries(endpoints).map(([service, endpoint]) => `    ${names[service] ?? service} ${endpoint}`),
  ];
}

/** `--integrations` takes the config's `integrations` object as JSON text or `@file`. */
async function readIntegrations(value: string): Promise<LocalIntegrations> {
  const text = await readArgument(value, '--integrations');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--integrations must be JSON: {"endpoints": {"dynamodb": "http://…"}}');
  }
  try {
    checkIntegrations(parsed, '--integrations');
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  return parsed as LocalIntegrations;
}

/** `statefold graph`: the definition's graph as SVG (the file -o names, else stdout). */
async function graph(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { output: { type: 'string', short: 'o' }, history: { type: 'string' } },
  });
  const definitionFile = positionals[0];
  if (!definitionFile) throw new UsageError('graph needs a definition file.');
  const svg = await writeGraphFile({
    definitionFile,
    ...(values.output !== undefined ? { outputFile: values.output } : {}),
    ...(values.history !== undefined ? { historyFile: values.history } : {}),
  });
  if (values.output === undefined) process.stdout.write(`${svg}\n`);
  return 0;
}

/** `statefold console`: the console on this machine for a deployed stack, its API calls signed here. */
async function consoleForEndpoint(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { endpoint: { type: 'string' }, port: { type: 'string' }, region: { type: 'string' } },
  });
  if (!values.endpoint) {
    throw new UsageError(
      'console needs --endpoint <deployed API URL> (the local server serves the console itself, at /console/).',
    );
  }
  const proxy = await startConsoleProxy({
    endpoint: values.endpoint,
    ...(values.port !== undefined ? { port: parsePort(values.port) } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
  });
  process.stdout.write(
    `The Statefold console for ${values.endpoint} is at ${proxy.url}\n(calls signed with your AWS credentials; Ctrl+C to stop)\n`,
  );
  await new Promise((resolveSignal) => {
    process.once('SIGINT', resolveSignal);
    process.once('SIGTERM', resolveSignal);
  });
  await proxy.stop();
  return 0;
}

/**
 * `statefold dlq list|redrive`: the messages of the engine's dead-letter queues (queue, deliveries, when sent,
 * what they carry, their execution), and sending them back to the queues they came from. Against the local
 * server at --endpoint-url (it says where its SQS is), or a deployed stack through its CloudFormation outputs
 * (--outputs, as `npx cdk deploy --outputs-file` or `aws cloudformation describe-stacks` write them).
 */
async function deadLetters(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'list' && action !== 'redrive') throw new UsageError('dlq needs list or redrive.');
  const { values } = parseArgs({
    args: rest,
    options: {
      queue: { type: 'string' },
      json: { type: 'boolean', default: false },
      'endpoint-url': { type: 'string' },
      outputs: { type: 'string' },
      stack: { type: 'string' },
      region: { type: 'string' },
    },
  });
  if (values.queue !== undefined && !(ENGINE_QUEUES as readonly string[]).includes(values.queue)) {
    throw new UsageError(`--queue must be one of ${ENGINE_QUEUES.join(', ')}.`);
  }
  if (values.outputs !== undefined && values['endpoint-url'] !== undefined) {
    throw new UsageError(
      'dlq takes --endpoint-url (the local server) or --outputs (a deployed stack), not both.',
    );
  }
  const engineQueues = await openEngineQueues(values);
  if (typeof engineQueues === 'number') return engineQueues;
  const { client, where } = engineQueues;
  const routes = engineQueues.routes.filter(
    (route) => values.queue === undefined || route.queue === values.queue,
  );
  try {
    if (action === 'list') {
      const letters = await listDeadLetters(client, routes);
      if (values.json) {
        for (const letter of letters) process.stdout.write(`${JSON.stringify(letter)}\n`);
        return 0;
      }
      if (letters.length === 0) {
        process.stdout.write(`No dead-lettered messages (${where}).\n`);
        return 0;
      }
      const rows = letters.map((letter) => [
        letter.queue,
        String(letter.receiveCount),
        letter.sentAt !== undefined ? new Date(letter.sentAt).toISOString() : '-',
        letter.kind,
        letter.executionArn ?? '-',
      ]);
      process.stdout.write(formatTable([['QUEUE', 'RECEIVES', 'SENT', 'KIND', 'EXECUTION'], ...rows]));
      return 0;
    }
    const results = await redriveDeadLetters(client, routes);
    for (const { queue, moved } of results) {
      if (values.json) process.stdout.write(`${JSON.stringify({ queue, redriven: moved })}\n`);
      else process.stdout.write(`${queue}: ${moved} message${moved === 1 ? '' : 's'} re-driven\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof SQSServiceException) {
      process.stderr.write(`${error.name}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    client.destroy();
  }
}

/** The SQS client and the queues of the local server at an endpoint, or of a stack's outputs; an exit code on failure. */
async function openEngineQueues(values: {
  'endpoint-url'?: string | undefined;
  outputs?: string | undefined;
  stack?: string | undefined;
  region?: string | undefined;
}): Promise<{ client: SQSClient; routes: DeadLetterRoute[]; where: string } | number> {
  if (values.outputs !== undefined) {
    const text = await readText(values.outputs, 'stack outputs');
    let queues: StackQueue[];
    try {
      queues = stackQueuesFromOutputs(text, values.stack);
    } catch (error) {
      if (!(error instanceof StackOutputsError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    const region = values.region ?? process.env.AWS_REGION ?? regionOfQueueUrl(queues[0]?.sourceUrl);
    // AWS_ENDPOINT_URL_SQS (an emulator, a VPC endpoint) wins over the queue URLs' own hosts.
    const endpoint = process.env.AWS_ENDPOINT_URL_SQS;
    const client = new SQSClient({
      ...(region !== undefined ? { region } : {}),
      ...(endpoint ? { endpoint, useQueueUrlAsEndpoint: false } : {}),
    });
    try {
      return {
        client,
        routes: await resolveStackRoutes(client, queues),
        where: `the stack of ${values.outputs}`,
      };
    } catch (error) {
      client.destroy();
      if (error instanceof SQSServiceException) {
        process.stderr.write(`${error.name}: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  }
  const endpoint = values['endpoint-url'] ?? `http://127.0.0.1:${process.env.STATEFOLD_PORT || DEFAULT_PORT}`;
  let description: EngineQueuesDescription;
  try {
    const response = await fetch(new URL(ENGINE_QUEUES_PATH, endpoint));
    if (!response.ok) {
      process.stderr.write(
        `${endpoint} answered ${response.status} for ${ENGINE_QUEUES_PATH}: is it a Statefold local server? (for a deployed stack, use --outputs)\n`,
      );
      return 1;
    }
    description = (await response.json()) as EngineQueuesDescription;
  } catch (error) {
    if (isConnectionRefused(error)) {
      process.stderr.write(
        `No Statefold server answers at ${endpoint}: start one with \`statefold start\`.\n`,
      );
    } else {
      const reason =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      process.stderr.write(`Could not reach ${endpoint}: ${reason}\n`);
    }
    return 1;
  }
  const client = new SQSClient({
    endpoint: description.sqsEndpoint,
    region: description.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return { client, routes: description.routes, where: `the local server at ${endpoint}` };
}

/** `https://sqs.eu-west-1.amazonaws.com/123456789012/name` → `eu-west-1`. */
function regionOfQueueUrl(url: string | undefined): string | undefined {
  return url === undefined ? undefined : /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1];
}

/** `--input` takes JSON text or `@file`. */
async function readArgument(value: string, option: string): Promise<string> {
  return value.startsWith('@') ? readText(value.slice(1), option) : value;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the ${what} file '${path}': ${(error as Error).message}`);
  }
}

/** A functions module exports handlers by function name: named exports, or a default export object. */
async function loadFunctions(path: string): Promise<Record<string, LambdaHandler>> {
  const module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  const source = (
    typeof module.default === 'object' && module.default !== null ? module.default : module
  ) as Record<string, unknown>;
  const handlers: Record<string, LambdaHandler> = {};
  for (const [name, value] of Object.entries(source)) {
    if (typeof value === 'function') handlers[name] = value as LambdaHandler;
  }
  if (Object.keys(handlers).length === 0) {
    throw new UsageError(`The functions module '${path}' exports no functions.`);
  }
  return handlers;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof InputError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
