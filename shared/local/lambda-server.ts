import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InvokeResponse, LambdaInvokeRequest } from '../engine/ports.ts';
import { EXECUTION_ARN_HEADER } from '../integrations/lambda-invoker.ts';
import type { LocalFunctions } from '../integrations/local-functions.ts';

/**
 * Lambda's Invoke API over HTTP on 127.0.0.1, backed by the local function registry, so a Lambda SDK
 * client (or `aws lambda invoke --endpoint-url`) reaches local handlers exactly as it reaches Lambda.
 */

export interface LambdaServer {
  endpoint: string;
  /** Serve these functions from now on. */
  setFunctions(functions: LocalFunctions): void;
  stop(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'] as const;
type InvocationType = (typeof INVOCATION_TYPES)[number];
/** Lambda's synchronous request payload quota (6 MB). */
const MAX_REQUEST_BYTES = 6_291_456;

export async function startLambdaServer(options: {
  functions: LocalFunctions;
  port?: number;
  /** A function still running after this many seconds is stopped, as Lambda stops it (default 900, Lambda's maximum). */
  functionTimeoutSeconds?: number;
}): Promise<LambdaServer> {
  let functions = options.functions;
  const server = createServer((request, response) => {
    respond(request, response, functions, options.functionTimeoutSeconds ?? 900).catch((error: unknown) => {
      sendError(response, 500, 'ServiceException', `Local Lambda server error: ${String(error)}`, 'Service');
    });
  });
  // Never close an idle keep-alive connection first: a client reusing it at that moment would see ECONNRESET,
  // and the engine's Lambda client does not retry an Invoke (it could run the function twice).
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setFunctions(next) {
      functions = next;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function respond(
  request: IncomingMessage,
  response: ServerResponse,
  functions: LocalFunctions,
  timeoutSeconds: number,
) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const match = INVOKE_PATH.exec(url.pathname);
  if (request.method !== 'POST' || !match?.[1]) {
    request.resume();
    sendError(
      response,
      404,
      'UnknownOperationException',
      `No such operation: ${request.method} ${url.pathname}. This server answers only Invoke (POST /2015-03-31/functions/{FunctionName}/invocations).`,
    );
    return;
  }
  const functionName = decodeURIComponent(match[1]);
  const qualifier = url.searchParams.get('Qualifier') ?? undefined;
  const typeHeader = header(request, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (!isInvocationType(typeHeader)) {
    request.resume();
    sendError(
      response,
      400,
      'InvalidParameterValueException',
      `Invalid InvocationType '${typeHeader}': expected one of ${INVOCATION_TYPES.join(', ')}`,
    );
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    sendError(
      response,
      413,
      'RequestTooLargeException',
      `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`,
    );
    return;
  }
  if (!functions.has(functionName)) {
    // Lambda names the function by its qualified ARN ($LATEST when no qualifier was given).
    const named = functions.qualifiedArn(functionName, qualifier);
    sendError(response, 404, 'ResourceNotFoundException', `Function not found: ${named}`);
    return;
  }
  const payload = body.length === 0 ? '{}' : body.toString('utf8');
  try {
    JSON.parse(payload);
  } catch (error) {
    sendError(
      response,
      400,
      'InvalidRequestContentException',
      `Could not parse request body into json: ${(error as Error).message}`,
    );
    return;
  }
  // X-Amz-Client-Context is accepted; the local registry has no context member to hand it to.
  const invoke: LambdaInvokeRequest = {
    functionName,
    payload,
    invocationType: typeHeader,
    ...(qualifier === undefined ? {} : { qualifier }),
    ...executionOf(request),
  };
  const result = await withTimeout(functions.invoke(invoke), timeoutSeconds);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Amz-Executed-Version': result.executedVersion,
    'x-amzn-RequestId': result.requestId,
    'X-Amzn-Trace-Id': result.traceId,
    Date: result.date,
  };
  if (result.functionError !== undefined) headers['X-Amz-Function-Error'] = result.functionError;
  response.writeHead(result.statusCode, headers);
  response.end(result.statusCode === 200 ? result.payload : undefined);
}

/** Lambda's error answer: the code in `x-amzn-ErrorType`, the text in the JSON body. */
function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  type: 'User' | 'Service' = 'User',
) {
  if (response.headersSent) {
    response.end();
    return;
  }
  // Body as AWS sends it for a missing function: {"Message":"Function not found: arn:…","Type":"User"}.
  const body = JSON.stringify({ Message: message, Type: type });
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': code,
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(body);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isInvocationType(value: string): value is InvocationType {
  return (INVOCATION_TYPES as readonly string[]).includes(value);
}

/** The request body, or undefined when it passes Lambda's payload quota. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) tooLarge = true;
    else chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

/**
 * Lambda's function timeout: a handler still running when it passes gets Lambda's timeout error (the handler's
 * promise is abandoned, as the sandbox would be).
 */
async function withTimeout(invocation: Promise<InvokeResponse>, seconds: number): Promise<InvokeResponse> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<InvokeResponse>((resolve) => {
    timer = setTimeout(() => {
      const requestId = randomUUID();
      resolve({
        statusCode: 200,
        payload: JSON.stringify({
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds.toFixed(2)} seconds`,
        }),
        functionError: 'Unhandled',
        executedVersion: '$LATEST',
        requestId,
        date: new Date().toUTCString(),
        traceId: '',
      });
    }, seconds * 1000);
  });
  try {
    return await Promise.race([invocation, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The invoking execution, when Statefold's own engine sends it (EXECUTION_ARN_HEADER). */
function executionOf(request: IncomingMessage): { executionArn?: string } {
  const value = request.headers[EXECUTION_ARN_HEADER];
  return typeof value === 'string' && value !== '' ? { executionArn: value } : {};
}
