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

/** A function as its callers name it: its handler, bare name and ARN, worked out once per name. */
interface FunctionTarget {
  handler: LambdaHandler;
  name: string;
  arn: string;
}

export class LocalFunctions implements LambdaInvoker {
  readonly #handlers = new Map<string, LambdaHandler>();
  readonly #targets = new Map<string, FunctionTarget>();
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

  invoke(request: LambdaInvokeRequest): Promise<InvokeResponse> {
    const target = this.#target(request.functionName);
    const requestId = randomUUID();
    const meta = new ResponseMeta(requestId);
    if (!target) {
      // As Lambda's 404 fails the Invoke call.
      return Promise.reject(
        lambdaServiceFailure(
          'ResourceNotFoundException',
          `Function not found: ${this.qualifiedArn(request.functionName, request.qualifier)} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ${requestId}; Proxy: null)`,
        ),
      );
    }
    if (request.invocationType === 'DryRun') return Promise.resolve(meta.response(204, ''));
    const { handler, name } = target;
    const context: LambdaContext = {
      functionName: name,
      functionVersion: meta.executedVersion,
      invokedFunctionArn: target.arn,
      memoryLimitInMB: '128',
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: `local/${requestId}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => 900_000,
    };
    let event: unknown;
    try {
      // The event is parsed from the request's text, as the Lambda runtime does.
      event = JSON.parse(request.payload);
    } catch (error) {
      return Promise.reject(error);
    }
    const invocation: FunctionInvocation | undefined = trackingInvocations
      ? {
          functionName: name,
          ...(request.executionArn !== undefined ? { executionArn: request.executionArn } : {}),
        }
      : undefined;
    const answer = callHandler(handler, event, context, invocation, meta);
    if (request.invocationType === 'Event') {
      // Lambda answers an asynchronous call at once; what the handler does after is no answer of the caller's,
      // and a call that fails then must not be left to reject unheard (Node ends the process on that).
      answer.catch(ignoreFailure);
      return Promise.resolve(meta.response(202, ''));
    }
    return answer;
  }

  /** The function a name or ARN calls, if there is one; what it takes to call it is kept for the next call. */
  #target(nameOrArn: string): FunctionTarget | undefined {
    const known = this.#targets.get(nameOrArn);
    if (known) return known;
    const handler = this.#handlers.get(nameOrArn) ?? this.#handlers.get(functionNameOf(nameOrArn));
    if (!handler) return undefined;
    const target = { handler, name: functionNameOf(nameOrArn), arn: this.functionArn(nameOrArn) };
    // A name comes from a definition or, through `FunctionName.$`, from a run's data (a qualifier per run):
    // the names kept are let go past a bound, as the JSONPath and JSONata caches are.
    if (this.#targets.size >= MAX_TARGETS) this.#targets.clear();
    this.#targets.set(nameOrArn, target);
    return target;
  }
}

/**
 * Calls the handler from a job of its own, as Lambda's runtime calls a handler from its event loop: an Error the
 * handler throws captures the handler's frames only, not the engine's call stack under the invocation. V8
 * captures up to `Error.stackTraceLimit` frames when an Error is made and formats them when its stack is read,
 * which a thrown Error's `trace` does: at the engine's depth (ten frames, every one Statefold's) that took
 * several times as long as with one, and more than the rest of the invocation. The handler is bound, so that the
 * promise job calls it with no frame of ours between, and the answer settles a promise of its own, so that V8
 * finds no async function awaiting that job (it would list it under the handler's frames). The answer is
 * Lambda's: the result as JSON, or the error payload of what the handler threw or rejected with (a thrown value
 * whose description throws in turn fails the call).
 */
function callHandler(
  handler: LambdaHandler,
  event: unknown,
  context: LambdaContext,
  invocation: FunctionInvocation | undefined,
  meta: ResponseMeta,
): Promise<InvokeResponse> {
  const call =
    invocation === undefined
      ? handler.bind(undefined, event as never, context)
      : () => functionInvocation.run(invocation, () => handler(event as never, context));
  return new Promise((resolve, reject) => {
    const answer = (respond: () => InvokeResponse) => {
      try {
        resolve(respond());
      } catch (error) {
        reject(error);
      }
    };
    SETTLED.then(call).then(
      (result) => answer(() => meta.succeeded(result)),
      (thrown: unknown) => answer(() => meta.failed(thrown)),
    );
  });
}

const MAX_TARGETS = 1_000;
const SETTLED = Promise.resolve();
const ignoreFailure = (): void => {};

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

  response(statusCode: number, payload: string, functionError?: string, errorType?: string): InvokeResponse {
    return new LocalInvokeResponse(this, statusCode, payload, functionError, errorType);
  }

  /** The handler's result as Lambda returns it: JSON (a result JSON cannot hold fails as a thrown error). */
  succeeded(result: unknown): InvokeResponse {
    let payload: string;
    try {
      payload = JSON.stringify(result ?? null);
    } catch (error) {
      return this.failed(error);
    }
    return this.response(200, payload);
  }

  /** What the handler threw, as the Node.js runtime reports it. */
  failed(error: unknown): InvokeResponse {
    const described = describeThrown(error);
    const errorType = typeof described.errorType === 'string' ? described.errorType : undefined;
    return this.response(200, JSON.stringify(described), 'Unhandled', errorType);
  }
}

/** An Invoke response whose Date and trace id come from its ResponseMeta when read. */
class LocalInvokeResponse implements InvokeResponse {
  readonly statusCode: number;
  readonly payload: string;
  declare readonly functionError?: string;
  declare readonly errorType?: string;
  readonly executedVersion: string;
  readonly requestId: string;
  readonly #meta: ResponseMeta;

  constructor(
    meta: ResponseMeta,
    statusCode: number,
    payload: string,
    functionError: string | undefined,
    errorType: string | undefined,
  ) {
    this.#meta = meta;
    this.statusCode = statusCode;
    this.payload = payload;
    if (functionError !== undefined) (this as { functionError?: string }).functionError = functionError;
    if (errorType !== undefined) (this as { errorType?: string }).errorType = errorType;
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
