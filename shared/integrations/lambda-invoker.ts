import { randomBytes, randomUUID } from 'node:crypto';
import { InvokeCommand, type LambdaClient, LambdaServiceException } from '@aws-sdk/client-lambda';
import { type EngineError, lambdaServiceFailure } from '../engine/engine-error.ts';
import type { InvokeResponse, LambdaInvokeRequest, LambdaInvoker } from '../engine/ports.ts';

/**
 * The header that tells Statefold's local Lambda server which execution invokes, so that a function's console
 * output names it. Sent only to the local server (`namesExecution`), never to AWS Lambda.
 */
export const EXECUTION_ARN_HEADER = 'x-statefold-execution-arn';

/**
 * Lambda's Invoke through the AWS SDK, for Task states. A failed call (no such function, throttled, …)
 * becomes an EngineError `LambdaServiceFailure` whose message is the cause AWS Step Functions records for it; errors
 * that never reached Lambda (network, credentials) are rethrown as they are, for the caller to retry.
 */
export class SdkLambdaInvoker implements LambdaInvoker {
  readonly #client: LambdaClient;
  readonly #namesExecution: boolean;

  constructor(options: { client: LambdaClient; namesExecution?: boolean }) {
    this.#client = options.client;
    this.#namesExecution = options.namesExecution ?? false;
  }

  async invoke(request: LambdaInvokeRequest): Promise<InvokeResponse> {
    const command = new InvokeCommand({
      FunctionName: request.functionName,
      Payload: Buffer.from(request.payload, 'utf8'),
      InvocationType: request.invocationType,
      Qualifier: request.qualifier,
      ClientContext: request.clientContext,
    });
    // Invoke's output has no Date or trace id: read them off the HTTP response.
    let headers: Record<string, string> = {};
    command.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        headers = readHeaders(result.response);
        return result;
      },
      { step: 'build', name: 'statefoldCaptureInvokeHeaders' },
    );
    const executionArn = request.executionArn;
    if (this.#namesExecution && executionArn !== undefined) {
      command.middlewareStack.add(
        (next) => async (args) => {
          const http = args.request as { headers?: Record<string, string> };
          if (http.headers) http.headers[EXECUTION_ARN_HEADER] = executionArn;
          return next(args);
        },
        { step: 'build', name: 'statefoldNameExecution' },
      );
    }
    try {
      const output = await this.#client.send(
        command,
        request.signal !== undefined ? { abortSignal: request.signal } : {},
      );
      return {
        statusCode: output.StatusCode ?? output.$metadata.httpStatusCode ?? 200,
        // Event and DryRun answers have no body, which the SDK reports as a null Payload.
        payload: output.Payload ? Buffer.from(output.Payload).toString('utf8') : '',
        ...(output.FunctionError === undefined ? {} : { functionError: output.FunctionError }),
        executedVersion: output.ExecutedVersion ?? '$LATEST',
        requestId: output.$metadata.requestId ?? headers['x-amzn-requestid'] ?? randomUUID(),
        date: headers.date ?? new Date().toUTCString(),
        traceId: headers['x-amzn-trace-id'] ?? newTraceId(),
      };
    } catch (error) {
      if (error instanceof LambdaServiceException) throw toServiceError(error);
      throw error;
    }
  }
}

/**
 * The cause AWS Step Functions records for a failed Invoke: the service's message followed by the Java
 * SDK's description of the call. Recorded against AWS (LocalStack snapshot test_task_service_lambda
 * `test_no_such_function`): "Function not found: arn:aws:lambda:…:function:x (Service: AWSLambda;
 * Status Code: 404; Error Code: ResourceNotFoundException; Request ID: …; Proxy: null)".
 */
export function toServiceError(error: LambdaServiceException): EngineError {
  const status = error.$metadata.httpStatusCode ?? 500;
  const requestId = error.$metadata.requestId ?? randomUUID();
  return lambdaServiceFailure(
    error.name,
    `${error.message} (Service: AWSLambda; Status Code: ${status}; Error Code: ${error.name}; Request ID: ${requestId}; Proxy: null)`,
    { cause: error },
  );
}

function readHeaders(response: unknown): Record<string, string> {
  if (typeof response !== 'object' || response === null || !('headers' in response)) return {};
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** An X-Ray trace header like Lambda's, when the response carried none. */
function newTraceId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0;Lineage=1:0:0`;
}
