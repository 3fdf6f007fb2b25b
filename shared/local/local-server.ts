import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { prepareConsoleAssets, serveConsoleAsset } from '../console/server/console-assets.ts';
import { respondWithError } from '../engine/api/handle-api-request.ts';
import type { EngineDeps } from '../engine/engine-deps.ts';
import { isAnsweredError, isEngineError } from '../engine/engine-error.ts';
import { type Deployment, stateMachineArnOf, validateName } from '../engine/names.ts';
import { createStateMachine, describeStateMachine, updateStateMachine } from '../engine/state-machines.ts';
import { createApiHandler } from '../handlers/api-handler.ts';
import {
  describeEngineQueues,
  type EngineQueuesDescription,
  serveEngineQueues,
} from './engine-queues-route.ts';
import { allowedHosts, checkHost } from './host-check.ts';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, type LocalStateMachine } from './local-config.ts';
import { type LocalEngine, type LocalEngineOptions, startLocalEngine } from './local-engine.ts';

/**
 * `statefold start`: the durable engine (startLocalEngine) behind an HTTP server that plays API Gateway's
 * part: each request becomes an HTTP API (payload format 2.0) event for functions/api, the very handler
 * deployed on AWS, and its result becomes the response. The AWS CLI and SDKs reach it with `--endpoint-url`.
 */
export interface LocalServerOptions extends Omit<LocalEngineOptions, 'dataDir'> {
  /** The port on 127.0.0.1 (default 8083, AWS Step Functions Local's; 0 picks a free one). */
  port?: number;
  host?: string;
  /** Where the table and the queues persist (default `.statefold` in the working folder). */
  dataDir?: string;
  /** Created, or updated when their definition changed, before the server answers its first request. */
  stateMachines?: readonly LocalStateMachine[];
}

export interface DeployedStateMachine {
  name: string;
  stateMachineArn: string;
  outcome: 'created' | 'updated' | 'unchanged';
}

export interface LocalServer {
  /** `http://127.0.0.1:<port>`, the `--endpoint-url` of the AWS CLI. */
  endpoint: string;
  port: number;
  dataDir: string;
  engine: LocalEngine;
  stateMachines: DeployedStateMachine[];
  /** Stops taking requests, lets those in progress finish, then stops the engine (state stays on disk). */
  stop(): Promise<void>;
}

/** API Gateway's HTTP API refuses larger payloads with 413 before any Lambda runs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** Requests still running when stop is asked get this long before their connections are cut. */
const STOP_GRACE_MS = 5_000;
/** The local reconciler: quiet for 2 minutes, a task for 20, and 10 minutes of sending again before failing. */
const LOCAL_RECONCILE = {
  intervalMs: 60_000,
  quietMs: 2 * 60_000,
  taskQuietMs: 20 * 60_000,
  failAfterMs: 10 * 60_000,
};
/** An execution role for the config's machines; nothing assumes it locally. */
const LOCAL_ROLE = 'role/StatefoldExecutionRole';

export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const { port = DEFAULT_PORT, host = '127.0.0.1', stateMachines = [], ...engineOptions } = options;
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);

  // Listen first, so a port in use fails before the engine starts; requests wait for the engine.
  let deps: EngineDeps | undefined;
  let queues: EngineQueuesDescription | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolveReady) => {
    markReady = resolveReady;
  });
  const handler = createApiHandler(() => {
    if (!deps) throw new Error('The local engine is not running');
    return deps;
  });
  const deployment = {
    region: engineOptions.region ?? 'us-east-1',
    accountId: engineOptions.accountId ?? '123456789012',
  };
  // Set once the port is known (listen may pick it); until then no request is answered.
  let hosts: ReadonlySet<string> | undefined = new Set();
  const server = createServer((request, response) => {
    // A request whose Host names another server (DNS rebinding from a browser page) gets a 403.
    if (!checkHost(hosts, request, response)) return;
    // GET /console/…: the web console's files; it reads the API below like any other client.
    if (serveConsoleAsset(request, response)) return;
    // GET /statefold/queues: where the engine's queues are, for `statefold dlq`.
    if (serveEngineQueues(request, response, () => (deps ? queues : undefined))) return;
    ready.then(() => serve(handler, deployment, request, response)).catch(() => response.destroy());
  });
  // A malformed HTTP request gets a 400 and its connection closed; nothing reaches the engine.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on ${host} is in use (another statefold start?): choose one with --port`)
          : error,
      );
    });
    server.listen(port, host, () => resolveListen());
  });
  hosts = allowedHosts(host, (server.address() as AddressInfo).port);
  // Past the listen, a server error (rare: a failing socket) is logged; it must not end the process.
  server.on('error', (error) => console.error(`statefold local server: ${error.message}`));
  const closeServer = () => closeGracefully(server);

  let engine: LocalEngine;
  let deployed: DeployedStateMachine[];
  try {
    engine = await startLocalEngine({
      ...engineOptions,
      // A sweep a minute for executions whose messages were lost (the tasks' threshold past Lambda's timeout).
      reconcile: { ...LOCAL_RECONCILE, ...engineOptions.reconcile },
      dataDir,
    });
  } catch (error) {
    // Requests that came meanwhile are answered (500: no engine) before the server closes.
    markReady();
    await closeServer();
    throw error;
  }
  try {
    deployed = await deployStateMachines(engine.deps, stateMachines);
  } catch (error) {
    markReady();
    await closeServer();
    await engine.stop();
    throw error;
  }
  deps = engine.deps;
  queues = describeEngineQueues(engine, deployment.region);
  markReady();
  // The console's first page does not wait for Node's type stripper to load (it holds the event loop a moment).
  void prepareConsoleAssets();

  const actualPort = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${actualPort}`,
    port: actualPort,
    dataDir,
    engine,
    stateMachines: deployed,
    stop() {
      stopping ??= (async () => {
        // A waiting GetActivityTask answers (with no task) rather than holding the close for its grace.
        engine.endActivityPolls();
        await closeServer();
        await engine.stop();
      })();
      return stopping;
    },
  };
}

/**
 * The config's state machines: created when missing, given a new revision when their definition changed,
 * left alone otherwise. A machine's type cannot change (AWS's UpdateStateMachine cannot change it either).
 */
export async function deployStateMachines(
  deps: EngineDeps,
  stateMachines: readonly LocalStateMachine[],
): Promise<DeployedStateMachine[]> {
  const deployed: DeployedStateMachine[] = [];
  for (const machine of stateMachines) {
    try {
      deployed.push(await deployStateMachine(deps, machine));
    } catch (error) {
      if (!isAnsweredError(error)) throw error;
      const details = error.diagnostics.map(
        (d) => `\n  ${d.severity} ${d.code} at ${d.location}: ${d.message}`,
      );
      throw new Error(
        `State machine '${machine.name}' (${machine.definitionFile}): ${error.code}: ${error.message}${details.join('')}`,
      );
    }
  }
  return deployed;
}

async function deployStateMachine(
  deps: EngineDeps,
  machine: LocalStateMachine,
): Promise<DeployedStateMachine> {
  validateName(machine.name);
  const stateMachineArn = stateMachineArnOf(deps, machine.name);
  const existing = await describeStateMachine(deps, { stateMachineArn }).catch((error: unknown) => {
    if (isEngineError(error, 'StateMachineDoesNotExist')) return undefined;
    throw error;
  });
  if (!existing) {
    await createStateMachine(deps, {
      name: machine.name,
      definition: machine.definition,
      roleArn: `arn:aws:iam::${deps.accountId}:${LOCAL_ROLE}`,
      type: machine.type,
      ...(machine.loggingConfiguration !== undefined
        ? { loggingConfiguration: machine.loggingConfiguration }
        : {}),
    });
    return { name: machine.name, stateMachineArn, outcome: 'created' };
  }
  if (existing.type !== machine.type) {
    throw new Error(
      `State machine '${machine.name}' exists as ${existing.type} and the config makes it ${machine.type}, but a state machine's type cannot change: delete it, or the data folder, first`,
    );
  }
  const logging = machine.loggingConfiguration;
  const loggingChanged =
    logging !== undefined && JSON.stringify(existing.loggingConfiguration) !== JSON.stringify(logging);
  if (existing.definition === machine.definition && !loggingChanged) {
    return { name: machine.name, stateMachineArn, outcome: 'unchanged' };
  }
  await updateStateMachine(deps, {
    stateMachineArn,
    definition: machine.definition,
    ...(loggingChanged ? { loggingConfiguration: logging } : {}),
  });
  return { name: machine.name, stateMachineArn, outcome: 'updated' };
}

type ApiHandler = ReturnType<typeof createApiHandler>;

/** One request: read it, hand it to the handler as API Gateway would, write what it answers. */
async function serve(
  handler: ApiHandler,
  deployment: Deployment,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  try {
    const body = await readBody(request);
    if (body === 'too large') {
      writeResult(response, {
        statusCode: 413,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Request Entity Too Large' }),
      });
      return;
    }
    const event = toApiGatewayEvent(request, body, { requestId, accountId: deployment.accountId });
    const result = await handler(event, lambdaContext(requestId, deployment));
    writeResult(response, result);
  } catch (error) {
    // The handler answers its own errors; this is a fault of the server itself, never a crash.
    if (response.headersSent) {
      response.destroy();
      return;
    }
    writeResult(response, respondWithError(error, requestId));
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer | 'too large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    // Keep reading (so the client sees the answer, not a reset) but drop what is over the limit.
    if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_PAYLOAD_BYTES ? 'too large' : Buffer.concat(chunks);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * API Gateway's HTTP API event, payload format 2.0, for a request to the `$default` route: header names in
 * lower case, repeated headers and query parameters joined with commas, cookies in `cookies` (API Gateway
 * developer guide, "Create AWS Lambda proxy integrations for HTTP APIs", payload format 2.0).
 */
export function toApiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  context: { requestId: string; accountId: string; now?: Date },
): APIGatewayProxyEventV2 {
  const { requestId, accountId, now = new Date() } = context;
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  // Node lower-cases header names already; repeated headers join with commas, as API Gateway's do.
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name !== 'cookie')
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = request.headers.cookie?.split(/;\s*/).filter((cookie) => cookie !== '');
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const text = decodeText(body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length === 0
      ? { isBase64Encoded: false }
      : text === undefined
        ? { body: body.toString('base64'), isBase64Encoded: true }
        : { body: text, isBase64Encoded: false }),
  };
}

/** Text bodies go as they are; anything that is not UTF-8 goes base64-encoded, as API Gateway sends binary. */
function decodeText(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time`'s format: `12/Mar/2020:19:03:58 +0000`. */
function formatRequestTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/** A handler may answer a structured result or, as API Gateway accepts, a bare value (200, JSON). */
function writeResult(response: ServerResponse, result: APIGatewayProxyResultV2 | undefined): void {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(typeof result === 'string' ? result : JSON.stringify(result ?? null));
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = result.body ?? '';
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function lambdaContext(requestId: string, deployment: Deployment): Context {
  const deadline = Date.now() + 30_000;
  const unsupported = () => {
    throw new Error('context.done/fail/succeed are not supported: return a value or throw');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'statefold-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${deployment.region}:${deployment.accountId}:function:statefold-api`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/statefold-api',
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** Closes the listener and idle keep-alive connections; cuts the rest after a grace period. */
async function closeGracefully(server: ReturnType<typeof createServer>): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  server.closeIdleConnections();
  // A request that finishes meanwhile leaves its keep-alive connection idle: close those as they come.
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  const timer = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
  await closed;
  clearInterval(idle);
  clearTimeout(timer);
}
