import type { Json } from '../lib/json.ts';
import type { HttpConnection } from './http-request.ts';

/**
 * The AWS SDK v3 clients Task states call, loaded on first use by a table of service → package, each pointed
 * at the endpoint its configuration names. A package that is not installed, or (where endpoints are required,
 * as in local mode) a service without an endpoint, is reported as what is missing, not thrown.
 */

/**
 * How to reach the services. Keys of `endpoints` are the SDK's service names (`dynamodb`, `sqs`, `s3` …);
 * the value `aws` names AWS's own endpoint, with the default credential chain rather than `credentials`.
 */
export interface IntegrationsConfig {
  region: string;
  endpoints?: Readonly<Record<string, string>>;
  /** Refuse a service with no endpoint in `endpoints` (local mode: nothing reaches AWS unless configured). */
  requireEndpoint?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The HTTP Task's (`http:invoke`): the hosts it may call, and connections declared here. */
  http?: HttpIntegrationConfig;
  /** Loads a client package (tests replace it). */
  importPackage?: (name: string) => Promise<Record<string, unknown>>;
}

/**
 * `http:invoke`'s configuration: `allowedHosts` (`api.example.com`, `api.example.com:8443`, `*.example.com`;
 * none by default) and `connections` by connection ARN or name (a connection not declared is read from
 * EventBridge where an EventBridge client can reach it: on AWS).
 */
export interface HttpIntegrationConfig {
  allowedHosts?: readonly string[];
  connections?: Readonly<Record<string, HttpConnection>>;
}

/** The endpoint value that means AWS's own. */
export const AWS_ENDPOINT = 'aws';

interface ClientSpec {
  package: string;
  client: string;
  /** The service's name in `<Service>.<Error>Exception` error names of the AWS SDK form. */
  errorPrefix: string;
}

/** The installed clients. Another `aws-sdk:<service>` is tried as `@aws-sdk/client-<service>`. */
export const SDK_CLIENTS: Readonly<Record<string, ClientSpec>> = {
  s3: { package: '@aws-sdk/client-s3', client: 'S3Client', errorPrefix: 'S3' },
  dynamodb: { package: '@aws-sdk/client-dynamodb', client: 'DynamoDBClient', errorPrefix: 'DynamoDb' },
  sqs: { package: '@aws-sdk/client-sqs', client: 'SQSClient', errorPrefix: 'Sqs' },
  sns: { package: '@aws-sdk/client-sns', client: 'SNSClient', errorPrefix: 'Sns' },
  eventbridge: {
    package: '@aws-sdk/client-eventbridge',
    client: 'EventBridgeClient',
    errorPrefix: 'EventBridge',
  },
  secretsmanager: {
    package: '@aws-sdk/client-secrets-manager',
    client: 'SecretsManagerClient',
    errorPrefix: 'SecretsManager',
  },
  ssm: { package: '@aws-sdk/client-ssm', client: 'SSMClient', errorPrefix: 'Ssm' },
  lambda: { package: '@aws-sdk/client-lambda', client: 'LambdaClient', errorPrefix: 'Lambda' },
  sfn: { package: '@aws-sdk/client-sfn', client: 'SFNClient', errorPrefix: 'Sfn' },
};

export function clientSpecOf(service: string): ClientSpec {
  return (
    SDK_CLIENTS[service] ?? {
      package: `@aws-sdk/client-${service}`,
      client: '',
      errorPrefix: service.charAt(0).toUpperCase() + service.slice(1),
    }
  );
}

interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<Record<string, unknown>>;
  destroy(): void;
  middlewareStack: {
    add(middleware: unknown, options: { step: string; name: string }): void;
  };
}

type CommandClass = new (input: unknown) => unknown;

export type LoadedClient =
  | { ok: true; client: SdkClient; commands: Record<string, unknown> }
  | { ok: false; missing: string };

/** The HTTP response headers of an output, kept off its enumerable members. */
const HEADERS = Symbol('statefold.responseHeaders');

export interface SentCommand {
  output: Record<string, unknown>;
  statusCode: number;
  requestId: string;
  headers: Record<string, string>;
}

export class SdkClients {
  readonly #config: IntegrationsConfig;
  readonly #clients = new Map<string, Promise<LoadedClient>>();

  constructor(config: IntegrationsConfig) {
    this.#config = config;
  }

  load(service: string): Promise<LoadedClient> {
    let loaded = this.#clients.get(service);
    if (!loaded) {
      loaded = this.#create(service);
      this.#clients.set(service, loaded);
    }
    return loaded;
  }

  /** The command class `<Action>Command` of a loaded client, if its package has one. */
  commandOf(loaded: Extract<LoadedClient, { ok: true }>, action: string): CommandClass | undefined {
    const name = `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
    const command = loaded.commands[name];
    return typeof command === 'function' ? (command as CommandClass) : undefined;
  }

  async send(
    loaded: Extract<LoadedClient, { ok: true }>,
    command: CommandClass,
    input: unknown,
    signal?: AbortSignal,
  ): Promise<SentCommand> {
    const output = await loaded.client.send(
      new command(input),
      signal !== undefined ? { abortSignal: signal } : {},
    );
    const metadata = (output.$metadata ?? {}) as { httpStatusCode?: number; requestId?: string };
    const headers = ((output as Record<symbol, unknown>)[HEADERS] ?? {}) as Record<string, string>;
    return {
      output,
      statusCode: metadata.httpStatusCode ?? 200,
      requestId: metadata.requestId ?? headers['x-amzn-requestid'] ?? '',
      headers,
    };
  }

  destroy(): void {
    for (const loaded of this.#clients.values()) {
      void loaded.then((client) => client.ok && client.client.destroy());
    }
    this.#clients.clear();
  }

  async #create(service: string): Promise<LoadedClient> {
    const spec = clientSpecOf(service);
    const configured = this.#config.endpoints?.[service];
    const onAws = configured === AWS_ENDPOINT;
    const endpoint = onAws ? undefined : configured;
    if (configured === undefined && this.#config.requireEndpoint) {
      return {
        ok: false,
        missing: `no endpoint is configured for ${service} (set integrations.endpoints.${service} in the config)`,
      };
    }
    let module: Record<string, unknown>;
    try {
      module = await (this.#config.importPackage ?? importPackage)(spec.package);
    } catch {
      return {
        ok: false,
        missing: `the AWS SDK client package ${spec.package} is not installed (npm install ${spec.package})`,
      };
    }
    const clientName =
      spec.client !== ''
        ? spec.client
        : Object.keys(module).find((name) => name.endsWith('Client') && typeof module[name] === 'function');
    const Client = clientName === undefined ? undefined : module[clientName];
    if (typeof Client !== 'function') {
      return { ok: false, missing: `the package ${spec.package} exports no client class` };
    }
    const client = new (Client as new (config: unknown) => SdkClient)({
      region: this.#config.region,
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(this.#config.credentials !== undefined && !onAws ? { credentials: this.#config.credentials } : {}),
      // An emulator on 127.0.0.1 has no bucket subdomains.
      ...(service === 's3' && endpoint !== undefined ? { forcePathStyle: true } : {}),
    });
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<{ response: unknown; output: unknown }>) => async (args: unknown) => {
        const result = await next(args);
        const headers = (result.response as { headers?: Record<string, string> } | undefined)?.headers;
        if (headers && result.output && typeof result.output === 'object') {
          Object.defineProperty(result.output, HEADERS, { value: headers, enumerable: false });
        }
        return result;
      },
      { step: 'deserialize', name: 'statefoldResponseHeaders' },
    );
    return { ok: true, client, commands: module };
  }
}

function importPackage(name: string): Promise<Record<string, unknown>> {
  return import(name) as Promise<Record<string, unknown>>;
}

/**
 * An SDK output as AWS's integrations give it: JSON, members as the SDK names them (PascalCase), dates as
 * ISO-8601 text, bytes as base64, a streamed body (an S3 object's) as its text; `$metadata` left out.
 */
export async function outputToJson(output: Record<string, unknown>): Promise<Json> {
  const { $metadata: _, ...rest } = output;
  return (await toJson(rest)) ?? {};
}

async function toJson(value: unknown): Promise<Json | undefined> {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) {
    const items: Json[] = [];
    for (const item of value) items.push((await toJson(item)) ?? null);
    return items;
  }
  if (value instanceof Set) return toJson([...value]);
  const stream = value as { transformToString?: () => Promise<string> };
  if (typeof stream.transformToString === 'function') return stream.transformToString();
  const object: Record<string, Json> = {};
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    const converted = await toJson(member);
    if (converted !== undefined) object[key] = converted;
  }
  return object;
}
