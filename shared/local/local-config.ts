import { access, readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALLOWED_HOST_PATTERN } from '../engine/environment-names.ts';
import type { LambdaHandler } from '../integrations/local-functions.ts';
import { type MockConfig, parseMockConfig } from '../testing/mock-config.ts';
import type { LocalIntegrations } from './local-engine.ts';

/**
 * The local server's configuration: `statefold.config.{ts,js,mjs,json}` in the working folder (or the file
 * `--config` names), then the environment (STATEFOLD_PORT, STATEFOLD_DATA_DIR), then the command line, each
 * overriding the one before. Paths in the file resolve relative to the file; paths from the environment or
 * the command line, relative to the working folder. Every error names the file (or variable) and the field.
 */

/** What a config file exports (as its default export, or as the JSON document). */
export interface StatefoldConfig {
  /** The HTTP port of the Step Functions API (default 8083, AWS Step Functions Local's). */
  port?: number;
  /** Where the table and the queues persist (default `.statefold`). */
  dataDir?: string;
  region?: string;
  accountId?: string;
  /** Local Lambda functions by function name: a module, and the export to call (default: the name). */
  functions?: Record<string, { module: string; export?: string }>;
  /** Created at start, or updated when their definition changed. */
  stateMachines?: Array<{
    name: string;
    /** The definition file (ASL JSON). */
    definition: string;
    type?: 'STANDARD' | 'EXPRESS';
    /** A sample input file, used in the commands `statefold start` prints. */
    input?: string;
    /**
     * CreateStateMachine's loggingConfiguration. For an EXPRESS machine, a level other than OFF makes Statefold
     * keep its executions' histories (DescribeExecution, GetExecutionHistory, the console).
     */
    loggingConfiguration?: { level: 'ALL' | 'ERROR' | 'FATAL' | 'OFF'; includeExecutionData?: boolean };
  }>;
  /**
   * Task states' service integrations: `endpoints` by SDK service name (`dynamodb`, `sqs`, `sns`, `s3`,
   * `eventbridge`, `secretsmanager`, `ssm` …), an URL or `aws` (AWS's own, with the default credentials),
   * over the embedded DynamoDB, SQS, SNS and S3; and the tables, queues, topics and buckets to create at start.
   */
  integrations?: LocalIntegrations;
  /**
   * AWS Step Functions Local's MockConfigFile (a JSON file): StartExecution on `<stateMachineArn>#<TestCase>`
   * runs that test case, its Task states answered by the file's mocked responses.
   */
  mockConfigFile?: string;
}

export interface LocalStateMachine {
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  /** The definition text. */
  definition: string;
  definitionFile: string;
  inputFile?: string;
  loggingConfiguration?: { level: string; includeExecutionData?: boolean };
}

/** The configuration with every default, override and path resolved, and the function modules loaded. */
export interface LocalConfig {
  /** The config file read, if any. */
  configFile?: string;
  port: number;
  dataDir: string;
  region: string;
  accountId: string;
  functions: Record<string, LambdaHandler>;
  stateMachines: LocalStateMachine[];
  integrations?: LocalIntegrations;
  /** The MockConfigFile read and checked, and where it is. */
  mocks?: { file: string; config: MockConfig };
}

export interface LoadConfigOptions {
  /** The working folder (default `process.cwd()`). */
  cwd?: string;
  /** `--config <file>`: this file, which must exist. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Command-line flags. */
  overrides?: { port?: number; dataDir?: string };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const DEFAULT_PORT = 8083;
export const DEFAULT_DATA_DIR = '.statefold';
export const CONFIG_FILE_NAMES = [
  'statefold.config.ts',
  'statefold.config.js',
  'statefold.config.mjs',
  'statefold.config.json',
] as const;

const DEFAULTS = { region: 'us-east-1', accountId: '123456789012' };
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT_ID = /^\d{12}$/;
const TOP_LEVEL_FIELDS = new Set([
  'port',
  'dataDir',
  'region',
  'accountId',
  'functions',
  'stateMachines',
  'integrations',
  'mockConfigFile',
]);
const INTEGRATION_FIELDS = new Set(['endpoints', 'tables', 'queues', 'topics', 'buckets', 'http']);

export async function loadLocalConfig(options: LoadConfigOptions = {}): Promise<LocalConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const configFile = await findConfigFile(cwd, options.configFile);
  const file = configFile === undefined ? {} : checkConfig(await readConfigFile(configFile), configFile);
  const base = configFile === undefined ? cwd : dirname(configFile);
  const fromEnv = readEnvironment(env);
  const port = options.overrides?.port ?? fromEnv.port ?? file.port ?? DEFAULT_PORT;
  const dataDir =
    options.overrides?.dataDir !== undefined
      ? resolve(cwd, options.overrides.dataDir)
      : fromEnv.dataDir !== undefined
        ? resolve(cwd, fromEnv.dataDir)
        : resolve(base, file.dataDir ?? DEFAULT_DATA_DIR);
  checkPort(port, options.overrides?.port !== undefined ? '--port' : 'port');
  return {
    ...(configFile !== undefined ? { configFile } : {}),
    port,
    dataDir,
    ...(await machinesOf(file, base, configFile ?? '')),
    functions: await loadFunctions(file.functions ?? {}, base, configFile ?? ''),
    ...(file.integrations !== undefined ? { integrations: file.integrations } : {}),
    ...(file.mockConfigFile !== undefined
      ? { mocks: await loadMockConfig(resolve(base, file.mockConfigFile), configFile ?? '') }
      : {}),
  };
}

/** What `statefold run` and `statefold test` take from the config file: its machines, where they live. */
export interface ConfigMachines {
  configFile: string;
  region: string;
  accountId: string;
  stateMachines: LocalStateMachine[];
}

/**
 * The config file's state machines (`--config`, or the first of CONFIG_FILE_NAMES in the working folder),
 * checked as `statefold start` checks them, for a run in memory: nothing else is loaded (no function module,
 * no MockConfigFile, no environment). Undefined when there is no config file.
 */
export async function loadConfigMachines(
  options: { cwd?: string; configFile?: string } = {},
): Promise<ConfigMachines | undefined> {
  const cwd = options.cwd ?? process.cwd();
  const configFile = await findConfigFile(cwd, options.configFile);
  if (configFile === undefined) return undefined;
  const file = checkConfig(await readConfigFile(configFile), configFile);
  return { configFile, ...(await machinesOf(file, dirname(configFile), configFile)) };
}

/** The config's state machines and the deployment they are created under (`statefold start`, `run` and `test`). */
async function machinesOf(
  file: StatefoldConfig,
  base: string,
  configFile: string,
): Promise<Omit<ConfigMachines, 'configFile'>> {
  return {
    region: file.region ?? DEFAULTS.region,
    accountId: file.accountId ?? DEFAULTS.accountId,
    stateMachines: await loadStateMachines(file.stateMachines ?? [], base, configFile),
  };
}

/** The MockConfigFile: read and checked at start, so a mistake in it is told before anything runs. */
async function loadMockConfig(
  path: string,
  configFile: string,
): Promise<{ file: string; config: MockConfig }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return fail(
      configFile,
      'mockConfigFile',
      `names a file that cannot be read: ${(error as Error).message}`,
    );
  }
  try {
    return { file: path, config: parseMockConfig(text, path) };
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** `--config` names the file; otherwise the first of CONFIG_FILE_NAMES in the working folder, if any. */
async function findConfigFile(cwd: string, named: string | undefined): Promise<string | undefined> {
  if (named !== undefined) {
    const path = resolve(cwd, named);
    if (!(await exists(path))) throw new ConfigError(`The config file '${named}' does not exist`);
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (await exists(path)) return path;
  }
  return undefined;
}

async function readConfigFile(path: string): Promise<unknown> {
  if (path.endsWith('.json')) {
    const text = await readFile(path, 'utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${path}: not valid JSON: ${(error as Error).message}`);
    }
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${path}: cannot be loaded: ${(error as Error).message}`);
  }
  if (module.default === undefined) {
    throw new ConfigError(`${path}: has no default export (export default { … })`);
  }
  return module.default;
}

/** A field's problem, as the file and the field's path. */
function fail(file: string, field: string, problem: string): never {
  throw new ConfigError(`${file}: '${field}' ${problem}`);
}

function checkConfig(value: unknown, file: string): StatefoldConfig {
  if (!isRecord(value)) throw new ConfigError(`${file}: the configuration must be an object`);
  for (const key of Object.keys(value)) {
    if (!TOP_LEVEL_FIELDS.has(key)) {
      fail(file, key, `is not a config field (${[...TOP_LEVEL_FIELDS].join(', ')})`);
    }
  }
  const { port, dataDir, region, accountId, functions, stateMachines, integrations, mockConfigFile } = value;
  if (mockConfigFile !== undefined && !isNonEmptyString(mockConfigFile)) {
    fail(file, 'mockConfigFile', 'must be a file path');
  }
  if (port !== undefined && !isPort(port)) fail(file, 'port', 'must be an integer from 0 to 65535');
  if (dataDir !== undefined && !isNonEmptyString(dataDir)) fail(file, 'dataDir', 'must be a folder path');
  if (region !== undefined && !(typeof region === 'string' && REGION.test(region))) {
    fail(file, 'region', 'must be an AWS region name, such as us-east-1');
  }
  if (accountId !== undefined && !(typeof accountId === 'string' && ACCOUNT_ID.test(accountId))) {
    fail(file, 'accountId', 'must be a string of 12 digits');
  }
  if (functions !== undefined) checkFunctions(functions, file);
  if (stateMachines !== undefined) checkStateMachines(stateMachines, file);
  if (integrations !== undefined) checkIntegrations(integrations, file);
  return value as StatefoldConfig;
}

function checkFunctions(functions: unknown, file: string): void {
  if (!isRecord(functions)) fail(file, 'functions', 'must map function names to { module, export? }');
  for (const [name, entry] of Object.entries(functions)) {
    const field = `functions.${name}`;
    if (!/^[\w-]{1,64}$/.test(name)) fail(file, field, 'is not a Lambda function name ([A-Za-z0-9_-], 1-64)');
    if (!isRecord(entry)) fail(file, field, 'must be { module, export? }');
    if (!isNonEmptyString(entry.module)) fail(file, `${field}.module`, 'must be a module path');
    if (entry.export !== undefined && !isNonEmptyString(entry.export)) {
      fail(file, `${field}.export`, 'must be the name of an export');
    }
  }
}

function checkStateMachines(stateMachines: unknown, file: string): void {
  if (!Array.isArray(stateMachines)) fail(file, 'stateMachines', 'must be a list of { name, definition }');
  const names = new Set<string>();
  stateMachines.forEach((entry: unknown, index) => {
    const field = `stateMachines[${index}]`;
    if (!isRecord(entry)) fail(file, field, 'must be { name, definition, type?, input? }');
    if (!isNonEmptyString(entry.name)) fail(file, `${field}.name`, 'must be a state machine name');
    if (names.has(entry.name)) fail(file, `${field}.name`, `repeats the name '${entry.name}'`);
    names.add(entry.name);
    if (!isNonEmptyString(entry.definition)) fail(file, `${field}.definition`, 'must be a file path');
    if (entry.type !== undefined && entry.type !== 'STANDARD' && entry.type !== 'EXPRESS') {
      fail(file, `${field}.type`, "must be 'STANDARD' or 'EXPRESS'");
    }
    if (entry.input !== undefined && !isNonEmptyString(entry.input)) {
      fail(file, `${field}.input`, 'must be a file path');
    }
    const logging = entry.loggingConfiguration;
    if (logging !== undefined) {
      if (!isRecord(logging) || !['ALL', 'ERROR', 'FATAL', 'OFF'].includes(logging.level as string)) {
        fail(
          file,
          `${field}.loggingConfiguration`,
          "must be { level: 'ALL' | 'ERROR' | 'FATAL' | 'OFF', includeExecutionData? }",
        );
      }
      if (logging.includeExecutionData !== undefined && typeof logging.includeExecutionData !== 'boolean') {
        fail(file, `${field}.loggingConfiguration.includeExecutionData`, 'must be true or false');
      }
    }
  });
}

export function checkIntegrations(integrations: unknown, file: string): void {
  if (!isRecord(integrations))
    fail(file, 'integrations', 'must be { endpoints?, tables?, queues?, topics?, buckets?, http? }');
  for (const key of Object.keys(integrations)) {
    if (!INTEGRATION_FIELDS.has(key)) {
      fail(
        file,
        `integrations.${key}`,
        `is not an integrations field (${[...INTEGRATION_FIELDS].join(', ')})`,
      );
    }
  }
  const { endpoints, tables, queues, topics, buckets, http } = integrations;
  if (http !== undefined) checkHttpIntegration(http, file);
  if (endpoints !== undefined) {
    if (!isRecord(endpoints)) fail(file, 'integrations.endpoints', 'must map service names to URLs or aws');
    for (const [service, endpoint] of Object.entries(endpoints)) {
      const field = `integrations.endpoints.${service}`;
      if (!/^[a-z0-9-]+$/.test(service))
        fail(file, field, 'is not an AWS SDK service name (dynamodb, sqs, s3 …)');
      if (!(endpoint === 'aws' || (typeof endpoint === 'string' && /^https?:\/\/\S+$/.test(endpoint)))) {
        fail(file, field, "must be an http(s) URL or 'aws'");
      }
    }
  }
  if (tables !== undefined) {
    if (!Array.isArray(tables))
      fail(file, 'integrations.tables', 'must be a list of { name, partitionKey, sortKey? }');
    tables.forEach((table: unknown, index) => {
      const field = `integrations.tables[${index}]`;
      if (!isRecord(table) || !isNonEmptyString(table.name))
        fail(file, `${field}.name`, 'must be a table name');
      for (const key of ['partitionKey', 'sortKey'] as const) {
        const value = table[key];
        if (value === undefined && key === 'sortKey') continue;
        const ok =
          isNonEmptyString(value) ||
          (isRecord(value) && isNonEmptyString(value.name) && ['S', 'N', 'B'].includes(value.type as string));
        if (!ok)
          fail(file, `${field}.${key}`, "must be an attribute name or { name, type: 'S' | 'N' | 'B' }");
      }
    });
  }
  for (const [key, list] of [
    ['queues', queues],
    ['topics', topics],
    ['buckets', buckets],
  ] as const) {
    if (list !== undefined && !(Array.isArray(list) && list.every(isNonEmptyString))) {
      fail(file, `integrations.${key}`, 'must be a list of names');
    }
  }
}

const AUTHORIZATION_FIELDS: Record<string, readonly string[]> = {
  API_KEY: ['name', 'value'],
  BASIC: ['username', 'password'],
  OAUTH_CLIENT_CREDENTIALS: ['clientId', 'clientSecret', 'authorizationEndpoint'],
};

/** `integrations.http`: `{ allowedHosts?: string[], connections?: { <ARN or name>: { authorization, invocation? } } }`. */
function checkHttpIntegration(http: unknown, file: string): void {
  const at = 'integrations.http';
  if (!isRecord(http)) fail(file, at, 'must be { allowedHosts?, connections? }');
  for (const key of Object.keys(http)) {
    if (key !== 'allowedHosts' && key !== 'connections') {
      fail(file, `${at}.${key}`, 'is not an http field (allowedHosts, connections)');
    }
  }
  const { allowedHosts, connections } = http;
  if (allowedHosts !== undefined) {
    if (!Array.isArray(allowedHosts)) fail(file, `${at}.allowedHosts`, 'must be a list of host names');
    allowedHosts.forEach((host: unknown, index) => {
      if (!(typeof host === 'string' && ALLOWED_HOST_PATTERN.test(host))) {
        fail(
          file,
          `${at}.allowedHosts[${index}]`,
          'must be a host name, host:port or *.domain (api.example.com, 127.0.0.1:8080, *.example.com)',
        );
      }
    });
  }
  if (connections === undefined) return;
  if (!isRecord(connections))
    fail(file, `${at}.connections`, 'must map connection ARNs or names to connections');
  for (const [name, connection] of Object.entries(connections)) {
    const field = `${at}.connections.${name}`;
    if (!isRecord(connection) || !isRecord(connection.authorization)) {
      fail(
        file,
        `${field}.authorization`,
        "must be { type: 'API_KEY' | 'BASIC' | 'OAUTH_CLIENT_CREDENTIALS', … }",
      );
    }
    const auth = connection.authorization;
    const required = AUTHORIZATION_FIELDS[auth.type as string];
    if (required === undefined) {
      fail(file, `${field}.authorization.type`, "must be 'API_KEY', 'BASIC' or 'OAUTH_CLIENT_CREDENTIALS'");
    }
    for (const key of required) {
      if (!isNonEmptyString(auth[key]))
        fail(file, `${field}.authorization.${key}`, 'must be a non-empty string');
    }
    if (auth.type === 'OAUTH_CLIENT_CREDENTIALS') {
      if (!URL.canParse(auth.authorizationEndpoint as string)) {
        fail(file, `${field}.authorization.authorizationEndpoint`, 'must be an URL');
      }
      if (auth.httpMethod !== undefined && !['GET', 'POST', 'PUT'].includes(auth.httpMethod as string)) {
        fail(file, `${field}.authorization.httpMethod`, "must be 'GET', 'POST' or 'PUT'");
      }
      if (auth.parameters !== undefined)
        checkHttpParameters(auth.parameters, file, `${field}.authorization.parameters`);
    }
    if (connection.invocation !== undefined)
      checkHttpParameters(connection.invocation, file, `${field}.invocation`);
  }
}

function checkHttpParameters(parameters: unknown, file: string, field: string): void {
  if (!isRecord(parameters)) fail(file, field, 'must be { headers?, queryParameters?, body? }');
  for (const [key, values] of Object.entries(parameters)) {
    if (!['headers', 'queryParameters', 'body'].includes(key)) {
      fail(file, `${field}.${key}`, 'is not a parameters field (headers, queryParameters, body)');
    }
    if (!isRecord(values) || !Object.values(values).every((value) => typeof value === 'string')) {
      fail(file, `${field}.${key}`, 'must map names to string values');
    }
  }
}

/** The variables that override the file; a malformed one is an error naming it. */
function readEnvironment(env: NodeJS.ProcessEnv): { port?: number; dataDir?: string } {
  const out: { port?: number; dataDir?: string } = {};
  const port = env.STATEFOLD_PORT;
  if (port !== undefined && port !== '') {
    const parsed = Number(port);
    if (!/^\d+$/.test(port) || !isPort(parsed)) {
      throw new ConfigError(`STATEFOLD_PORT='${port}' must be an integer from 0 to 65535`);
    }
    out.port = parsed;
  }
  if (env.STATEFOLD_DATA_DIR !== undefined && env.STATEFOLD_DATA_DIR !== '') {
    out.dataDir = env.STATEFOLD_DATA_DIR;
  }
  return out;
}

function checkPort(port: number, field: string): void {
  if (!isPort(port)) throw new ConfigError(`${field} ${port} must be an integer from 0 to 65535`);
}

async function loadFunctions(
  functions: NonNullable<StatefoldConfig['functions']>,
  base: string,
  file: string,
): Promise<Record<string, LambdaHandler>> {
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  const handlers: Record<string, LambdaHandler> = {};
  for (const [name, entry] of Object.entries(functions)) {
    const path = resolve(base, entry.module);
    let loading = modules.get(path);
    if (!loading) {
      loading = import(pathToFileURL(path).href) as Promise<Record<string, unknown>>;
      modules.set(path, loading);
    }
    let module: Record<string, unknown>;
    try {
      module = await loading;
    } catch (error) {
      fail(file, `functions.${name}.module`, `cannot be loaded from ${path}: ${(error as Error).message}`);
    }
    const exportName = entry.export ?? name;
    const handler = module[exportName];
    if (typeof handler !== 'function') {
      const available = Object.keys(module).filter((key) => typeof module[key] === 'function');
      fail(
        file,
        `functions.${name}${entry.export === undefined ? '' : '.export'}`,
        `names no exported function '${exportName}' of ${basename(path)} (its functions: ${available.join(', ') || 'none'})`,
      );
    }
    handlers[name] = handler as LambdaHandler;
  }
  return handlers;
}

async function loadStateMachines(
  stateMachines: NonNullable<StatefoldConfig['stateMachines']>,
  base: string,
  file: string,
): Promise<LocalStateMachine[]> {
  return Promise.all(
    stateMachines.map(async (entry, index) => {
      const definitionFile = resolve(base, entry.definition);
      let definition: string;
      try {
        definition = await readFile(definitionFile, 'utf8');
      } catch (error) {
        fail(file, `stateMachines[${index}].definition`, `cannot be read: ${(error as Error).message}`);
      }
      const inputFile = entry.input === undefined ? undefined : resolve(base, entry.input);
      if (inputFile !== undefined && !(await exists(inputFile))) {
        fail(file, `stateMachines[${index}].input`, `names a file that does not exist: ${inputFile}`);
      }
      return {
        name: entry.name,
        type: entry.type ?? 'STANDARD',
        definition,
        definitionFile,
        ...(inputFile !== undefined ? { inputFile } : {}),
        ...(entry.loggingConfiguration !== undefined
          ? { loggingConfiguration: entry.loggingConfiguration }
          : {}),
      };
    }),
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535;
}
