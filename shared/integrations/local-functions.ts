import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import { lambdaServiceFailure } from '../engine/engine-error.ts';
import type { InvokeResponse, LambdaInvokeRequest, LambdaInvoker } from '../engine/ports.ts';

/**
 * Lambda functions that live in this process: handlers `(event, context) => result` looked up by function
 * name or ARN, invoked the way the Lambda service and its Node.js runtime would (JSON in and out, a thrown
 * error reported as `{errorType, errorMessage, trace}` with `X-Amz-Function-Error: Unhandled`).
 */
// `never` lets a handler declare the event type it expects, as Lambda handlers do.
export type LambdaHandler = (event: never, context: LambdaContext) => unknown;

export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

const FUNCTION_ARN = /^arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):function:([\w-]+)(?::([\w$-]+))?$/;

/** The bare function name of a name, partial ARN (`123456789012:function:f`) or full ARN. */
export function functionNameOf(nameOrArn: string): string {
  const full = FUNCTION_ARN.exec(nameOrArn);
  if (full) return full[3] ?? nameOrArn;
  const partial = /^(?:\d{12}:)?function:([\w-]+)/.exec(nameOrArn);
  if (partial) return partial[1] ?? nameOrArn;
  return nameOrArn.split(':')[0] ?? nameOrArn;
}

/** Which function runs (and for which execution) in the current async context, for prefixing its console output. */
export interface FunctionInvocation {
  functionName: string;
  executionArn?: string;
}

export const functionInvocation = new AsyncLocalStorage<FunctionInvocation>();

export class LocalFunctions implements LambdaInvoker {
  readonly #handlers = new Map<string, LambdaHandler>();
  readonly #region: string;
  readonly #accountId: string;

  constructor(handlers: Record<string, LambdaHandler>, region: string, accountId: string) {
    this.#region = region;
    this.#accountId = accountId;
    for (const [key, handler] of Object.entries(handlers)) {
      this.#handlers.set(key, handler);
      this.#handlers.set(functionNameOf(key), handler);
    }
  }

  functionArn(nameOrArn: string): string {
    if (FUNCTION_ARN.test(nameOrArn)) return nameOrArn;
    return `arn:aws:lambda:${this.#region}:${this.#accountId}:function:${functionNameOf(nameOrArn)}`;
  }

  /** The ARN Lambda names in its errors: with the qualifier, `$LATEST` when none is given. */
  qualifiedArn(nameOrArn: string, qualifier?: string): string {
    const arn = this.functionArn(nameOrArn);
    if (arn.split(':').length > 7) return arn;
    return `${arn}:${qualifier ?? '$LATEST'}`;
  }

  has(nameOrArn: string): boolean {
    return this.#handlers.has(nameOrArn) || this.#handlers.has(functionNameOf(nameOrArn));
  }

  async invoke(request: LambdaInvokeRequest): Promise<InvokeResponse> {
    const handler =
      this.#handlers.get(request.functionName) ?? this.#handlers.get(functionNameOf(request.functionName));
    const requestId = randomUUID();
    const executedVersion = '$LATEST';
    const meta = { executedVersion, requestId, date: new Date().toUTCString(), traceId: newTraceId() };
    if (!handler) {
      // As Lambda's 404 fails the Invoke call.
      throw lambdaServiceFailure(
        'ResourceNotFoundException',
        `Function not found: ${this.qualifiedArn(request.functionName, request.qualifier)} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ${requestId}; Proxy: null)`,
      );
    }
    if (request.invocationType === 'DryRun') return { statusCode: 204, payload: '', ...meta };
    const name = functionNameOf(request.functionName);
    const context: LambdaContext = {
      functionName: name,
      functionVersion: executedVersion,
      invokedFunctionArn: this.functionArn(request.functionName),
      memoryLimitInMB: '128',
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: `local/${requestId}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => 900_000,
    };
    // The event is parsed from the request's text, as the Lambda runtime does.
    const event = JSON.parse(request.payload) as unknown;
    const invocation: FunctionInvocation = {
      functionName: name,
      ...(request.executionArn !== undefined ? { executionArn: request.executionArn } : {}),
    };
    const run = async (): Promise<InvokeResponse> => {
      try {
        const result = await functionInvocation.run(invocation, () => handler(event as never, context));
        return { statusCode: 200, payload: JSON.stringify(result ?? null), ...meta };
      } catch (error) {
        return {
          statusCode: 200,
          payload: JSON.stringify(describeThrown(error)),
          functionError: 'Unhandled',
          ...meta,
        };
      }
    };
    if (request.invocationType === 'Event') {
      void run();
      return { statusCode: 202, payload: '', ...meta };
    }
    return run();
  }
}

/** An X-Ray trace header like the one Lambda returns. */
function newTraceId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0;Lineage=1:0:0`;
}

/** What the Node.js Lambda runtime reports for a thrown value. */
export function describeThrown(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return {
    errorType: typeof error === 'string' ? 'string' : typeof error,
    errorMessage: String(error),
    trace: [],
  };
}
