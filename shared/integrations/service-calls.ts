import { EngineError } from '../engine/engine-error.ts';
import type { ItemPageRequest, ServiceCallRequest, ServiceCalls, TaskOutcome } from '../engine/ports.ts';
import { StatesErrors } from '../language/states-error.ts';
import { isJsonObject } from '../lib/json.ts';
import { DYNAMODB_ACTIONS } from './dynamodb.ts';
import { EVENTS_ACTIONS } from './eventbridge.ts';
import { configuredConnections, eventBridgeConnections } from './http-connections.ts';
import { HttpInvoker } from './http-invoke.ts';
import type { OptimizedAction } from './optimized-integration.ts';
import { readItemsPage, type S3Send, s3Refusal } from './s3-items.ts';
import { clientSpecOf, type IntegrationsConfig, outputToJson, SdkClients } from './sdk-clients.ts';
import { cannotCall, isServiceError, optimizedFailure, sdkFailure } from './service-errors.ts';
import { SNS_ACTIONS } from './sns.ts';
import { SQS_ACTIONS } from './sqs.ts';

/** The optimized integrations Statefold runs, by service and action. */
const OPTIMIZED: Readonly<Record<string, Readonly<Record<string, OptimizedAction>>>> = {
  sqs: SQS_ACTIONS,
  sns: SNS_ACTIONS,
  dynamodb: DYNAMODB_ACTIONS,
  events: EVENTS_ACTIONS,
};

/** Failures that never reached the service: thrown, so the task handler's record comes back and retries. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/**
 * The ServiceCalls port over the AWS SDK v3 clients: the optimized integrations by their table, and
 * `aws-sdk:<service>:<action>` as `<Action>Command` of the service's client package.
 */
export class SdkServiceCalls implements ServiceCalls {
  readonly #clients: SdkClients;
  readonly #http: HttpInvoker;

  constructor(config: IntegrationsConfig) {
    this.#clients = new SdkClients(config);
    const local = config.requireEndpoint === true;
    this.#http = new HttpInvoker({
      region: config.region,
      allowedHosts: config.http?.allowedHosts ?? [],
      resolvers: [
        configuredConnections(config.http?.connections ?? {}),
        eventBridgeConnections(this.#clients),
      ],
      hints: local
        ? {
            connections: 'declare it in integrations.http.connections in the config',
            allowedHosts: 'allow it in integrations.http.allowedHosts in the config',
          }
        : {
            connections: 'no EventBridge connection of that name in this account and region',
            allowedHosts: 'allow it in the stack context httpAllowedHosts',
          },
    });
  }

  async call(request: ServiceCallRequest): Promise<TaskOutcome> {
    const suffix = request.pattern === 'request-response' ? '' : `.${request.pattern}`;
    const resource = `${request.sdk ? 'aws-sdk:' : ''}${request.service}:${request.action}${suffix}`;
    if (request.sdk) return this.#callSdk(request, resource);
    if (request.service === 'http' && request.action === 'invoke' && request.pattern === 'request-response') {
      return this.#http.invoke(request.parameters, request.signal, request.inspectHttp);
    }
    const optimized = OPTIMIZED[request.service]?.[request.action];
    if (!optimized || request.pattern === 'sync' || request.pattern === 'sync:2') {
      return cannotCall(resource, 'Statefold does not run this integration yet');
    }
    return this.#callOptimized(optimized, request, resource);
  }

  /** One page of a Distributed Map's items, read with the S3 client the integrations use. */
  async readItems(request: ItemPageRequest): Promise<TaskOutcome> {
    const resource = `s3:${request.resource}`;
    const loaded = await this.#clients.load('s3');
    if (!loaded.ok) {
      return {
        ok: false,
        error: StatesErrors.ItemReaderFailed,
        cause: `Statefold cannot read items with ${resource}: ${loaded.missing}`,
      };
    }
    const send: S3Send = async (action, input) => {
      const command = this.#clients.commandOf(loaded, action) as NonNullable<
        ReturnType<SdkClients['commandOf']>
      >;
      const sent = await this.#clients.send(loaded, command, input, request.signal);
      const body = sent.output.Body as { transformToByteArray?: () => Promise<Uint8Array> } | undefined;
      return body?.transformToByteArray
        ? { ...sent.output, Body: await body.transformToByteArray() }
        : sent.output;
    };
    try {
      return await readItemsPage(send, request);
    } catch (error) {
      if (isTransient(error)) throw error;
      return {
        ok: false,
        error: StatesErrors.ItemReaderFailed,
        cause: `${resource} failed before reaching S3: ${(error as Error).message}`,
      };
    }
  }

  /**
   * One of a ResultWriter's files, with the S3 client the integrations use. A body larger than one part is sent as
   * a multipart upload in parts of PART_BYTES: one PUT could hold 5 GB on S3, but fauxqs's S3 takes requests of at
   * most 11 MiB (sized for multipart parts), and a Map Run of 100,000 children writes a file of about 65 MB.
   */
  async putObject(request: {
    bucket: string;
    key: string;
    body: string | Uint8Array;
    signal?: AbortSignal;
  }): Promise<void> {
    const loaded = await this.#clients.load('s3');
    if (!loaded.ok) {
      throw new EngineError('S3WriteRefused', `Statefold cannot write results to S3: ${loaded.missing}`);
    }
    const send = async (action: string, input: Record<string, unknown>) => {
      const command = this.#clients.commandOf(loaded, action);
      if (!command)
        throw new EngineError(
          'S3WriteRefused',
          `Statefold cannot write results to S3: its client has no ${action} command`,
        );
      return (await this.#clients.send(loaded, command, input, request.signal)).output;
    };
    const target = { Bucket: request.bucket, Key: request.key };
    const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
    try {
      if (body.byteLength <= PART_BYTES) {
        await send('PutObject', { ...target, Body: body, ContentType: 'application/json' });
        return;
      }
      await putInParts(send, target, body);
    } catch (error) {
      const refused = s3Refusal(error);
      throw refused === undefined ? error : new EngineError('S3WriteRefused', refused, { cause: error });
    }
  }

  destroy(): void {
    this.#clients.destroy();
  }

  async #callOptimized(
    action: OptimizedAction,
    request: ServiceCallRequest,
    resource: string,
  ): Promise<TaskOutcome> {
    const loaded = await this.#clients.load(action.client);
    if (!loaded.ok) return cannotCall(resource, loaded.missing);
    const command = this.#clients.commandOf(loaded, action.action);
    if (!command) return cannotCall(resource, `its client has no ${action.action} command`);
    try {
      const sent = await this.#clients.send(
        loaded,
        command,
        action.request(request.parameters),
        request.signal,
      );
      return action.result(await outputToJson(sent.output), sent);
    } catch (error) {
      if (isServiceError(error)) return optimizedFailure(action.errorPrefix, action.javaService, error);
      return failureOf(resource, error);
    }
  }

  async #callSdk(request: ServiceCallRequest, resource: string): Promise<TaskOutcome> {
    const loaded = await this.#clients.load(request.service);
    if (!loaded.ok) return cannotCall(resource, loaded.missing);
    const command = this.#clients.commandOf(loaded, request.action);
    if (!command) {
      return cannotCall(
        resource,
        `${clientSpecOf(request.service).package} has no command for '${request.action}'`,
      );
    }
    try {
      const input = isJsonObject(request.parameters) ? request.parameters : {};
      const sent = await this.#clients.send(loaded, command, input, request.signal);
      return { ok: true, output: await outputToJson(sent.output) };
    } catch (error) {
      if (isServiceError(error)) return sdkFailure(clientSpecOf(request.service).errorPrefix, error);
      return failureOf(resource, error);
    }
  }
}

/** A failure that never reached the service: transient ones are thrown (retried), the rest fail the task. */
function failureOf(resource: string, error: unknown): TaskOutcome {
  if (isTransient(error)) throw error;
  return cannotCall(resource, `the call failed before reaching the service: ${(error as Error).message}`);
}

/** A call that never reached the service for a passing reason (network, deadline, credentials): retried. */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  const name = (error as { name?: string }).name;
  return (
    (code !== undefined && TRANSIENT.has(code)) ||
    name === 'AbortError' ||
    name === 'TimeoutError' ||
    name === 'CredentialsProviderError'
  );
}

/** The parts of a multipart upload (S3 takes 5 MiB to 5 GiB a part, the last smaller; fauxqs at most 11 MiB a request). */
export const PART_BYTES = 8 * 1024 * 1024;

/**
 * Uploads `body` in parts of PART_BYTES and completes it; an upload that fails is aborted, so no parts are left
 * stored (and billed) on S3.
 */
async function putInParts(
  send: (action: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>,
  target: { Bucket: string; Key: string },
  body: Uint8Array,
): Promise<void> {
  const created = await send('CreateMultipartUpload', { ...target, ContentType: 'application/json' });
  const uploadId = created.UploadId as string;
  try {
    const parts: Array<{ ETag: string; PartNumber: number }> = [];
    for (let offset = 0, number = 1; offset < body.byteLength; offset += PART_BYTES, number++) {
      const part = body.subarray(offset, Math.min(offset + PART_BYTES, body.byteLength));
      const uploaded = await send('UploadPart', {
        ...target,
        UploadId: uploadId,
        PartNumber: number,
        Body: part,
      });
      parts.push({ ETag: uploaded.ETag as string, PartNumber: number });
    }
    await send('CompleteMultipartUpload', {
      ...target,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts },
    });
  } catch (error) {
    await send('AbortMultipartUpload', { ...target, UploadId: uploadId }).catch(() => undefined);
    throw error;
  }
}
