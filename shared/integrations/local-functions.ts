import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
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

/**
 * Whether invocations are tracked in `functionInvocation`: only once something reads it (statefold start's
 * console prefixing turns it on). Entering an async context on every call costs a tenth of a local Task's run.
 */
let trackingInvocations = false;

export function trackInvocations(on: boolean): void {
  trackingInvocations = on;
}

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
    const meta = new ResponseMeta(requestId);
    if (!handler) {
      // As Lambda's 404 fails the Invoke call.
      throw lambdaServiceFailure(
        'ResourceNotFoundException',
        `Function not found: ${this.qualifiedArn(request.functionName, request.qualifier)} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ${requestId}; Proxy: null)`,
      );
    }
    if (request.invocationType === 'DryRun') return meta.response(204, '');
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
        const result = await callHandler(
          handler,
          event,
          context,
          trackingInvocations ? invocation : undefined,
        );
        return meta.response(200, JSON.stringify(result ?? null));
      } catch (error) {
        return meta.response(200, JSON.stringify(describeThrown(error)), 'Unhandled');
      }
    };
    if (request.invocationType === 'Event') {
      void run();
      return meta.response(202, '');
    }
    return run();
  }
}

/**
 * Calls the handler from a microtask of its own, as Lambda's runtime calls a handler from its event loop: an
 * Error the handler throws captures its own frames and this one, not the engine's call stack under the
 * invocation. V8 captures up to `Error.stackTraceLimit` frames when an Error is made and formats them when its
 * stack is read, which a thrown Error's `trace` does: at the engine's depth (ten frames, every one Statefold's)
 * that took four times as long as with two, and more than the rest of the invocation.
 */
function callHandler(
  handler: LambdaHandler,
  event: unknown,
  context: LambdaContext,
  invocation: FunctionInvocation | undefined,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const runHandler = () => {
      try {
        resolve(
          invocation === undefined
            ? handler(event as never, context)
            : functionInvocation.run(invocation, () => handler(event as never, context)),
        );
      } catch (error) {
        reject(error);
      }
    };
    queueMicrotask(runHandler);
  });
}

/**
 * What Lambda says of an invocation besides its payload. The Date and X-Amzn-Trace-Id headers are made only
 * when read (a `lambda:invoke` Task's result shows them; a legacy function ARN's does not): an invocation is
 * the hot path of every Task run locally, and formatting a date and drawing a trace id cost more than the
 * rest of the call.
 */
class ResponseMeta {
  readonly requestId: string;
  readonly executedVersion = '$LATEST';
  readonly #at = Date.now();
  #date: string | undefined;
  #traceId: string | undefined;

  constructor(requestId: string) {
    this.requestId = requestId;
  }

  get date(): string {
    this.#date ??= new Date(this.#at).toUTCString();
    return this.#date;
  }

  /** An X-Ray trace header like the one Lambda returns (its ids need not be unguessable here). */
  get traceId(): string {
    this.#traceId ??= `Root=1-${Math.floor(this.#at / 1000).toString(16)}-${randomHex(24)};Parent=${randomHex(16)};Sampled=0;Lineage=1:0:0`;
    return this.#traceId;
  }

  response(statusCode: number, payload: string, functionError?: string): InvokeResponse {
    return new LocalInvokeResponse(this, statusCode, payload, functionError);
  }
}

/** An Invoke response whose Date and trace id come from its ResponseMeta when read. */
class LocalInvokeResponse implements InvokeResponse {
  readonly statusCode: number;
  readonly payload: string;
  declare readonly functionError?: string;
  readonly executedVersion: string;
  readonly requestId: string;
  readonly #meta: ResponseMeta;

  constructor(meta: ResponseMeta, statusCode: number, payload: string, functionError: string | undefined) {
    this.#meta = meta;
    this.statusCode = statusCode;
    this.payload = payload;
    if (functionError !== undefined) (this as { functionError?: string }).functionError = functionError;
    this.executedVersion = meta.executedVersion;
    this.requestId = meta.requestId;
  }

  get date(): string {
    return this.#meta.date;
  }

  get traceId(): string {
    return this.#meta.traceId;
  }
}

function randomHex(digits: number): string {
  let out = '';
  while (out.length < digits)
    out += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, digits);
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
