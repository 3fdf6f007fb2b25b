import type { ConnectionLookup, ConnectionResolver } from './http-invoke.ts';
import type { ConnectionAuthorization, HttpConnection, HttpParameters } from './http-request.ts';
import type { SdkClients } from './sdk-clients.ts';
import { isServiceError } from './service-errors.ts';

/**
 * Where an HTTP Task's connection comes from: the configuration (local mode, `runExecution`), keyed by the
 * connection's ARN or its name; or, on AWS, EventBridge's DescribeConnection and the connection's secret in
 * Secrets Manager (GetSecretValue), which holds the values DescribeConnection masks.
 */

/** `arn:aws:events:<region>:<account>:connection/<name>/<id>` → `<name>`. */
export function connectionNameOf(connectionArn: string): string {
  const found = /:connection\/([^/]+)/.exec(connectionArn);
  return found ? (found[1] as string) : connectionArn;
}

/** The configured connections, found by the task's ARN, or by the connection's name in it. */
export function configuredConnections(
  connections: Readonly<Record<string, HttpConnection>>,
): ConnectionResolver {
  return async (connectionArn) => {
    const name = connectionNameOf(connectionArn);
    const connection =
      (Object.hasOwn(connections, connectionArn) ? connections[connectionArn] : undefined) ??
      (Object.hasOwn(connections, name) ? connections[name] : undefined);
    return connection ? { kind: 'found', connection } : { kind: 'none' };
  };
}

/** The parts of DescribeConnection's answer the HTTP Task reads. */
interface DescribedConnection {
  ConnectionState?: string;
  StateReason?: string;
  AuthorizationType?: string;
  SecretArn?: string;
  AuthParameters?: {
    ApiKeyAuthParameters?: { ApiKeyName?: string };
    BasicAuthParameters?: { Username?: string };
    OAuthParameters?: {
      ClientParameters?: { ClientID?: string };
      AuthorizationEndpoint?: string;
      HttpMethod?: string;
    };
  };
}

/** The connection's secret, as EventBridge writes it (snake_case keys). */
interface ConnectionSecret {
  api_key_name?: string;
  api_key_value?: string;
  username?: string;
  password?: string;
  client_id?: string;
  client_secret?: string;
  authorization_endpoint?: string;
  http_method?: string;
  oauth_http_parameters?: SecretParameters;
  invocation_http_parameters?: SecretParameters;
}

interface SecretParameters {
  header_parameters?: Array<{ key?: string; value?: string }>;
  query_string_parameters?: Array<{ key?: string; value?: string }>;
  body_parameters?: Array<{ key?: string; value?: string }>;
}

/**
 * The connection as EventBridge and Secrets Manager hold it (the task handler's role may call
 * events:DescribeConnection and secretsmanager:GetSecretValue on the connections the stack's context names).
 * No EventBridge client (a local run without its endpoint): no connection from here.
 */
export function eventBridgeConnections(clients: SdkClients): ConnectionResolver {
  return async (connectionArn) => {
    const events = await clients.load('eventbridge');
    if (!events.ok) return { kind: 'none' };
    const describe = clients.commandOf(events, 'describeConnection');
    if (!describe) return { kind: 'none' };
    let described: DescribedConnection;
    try {
      described = (await clients.send(events, describe, { Name: connectionNameOf(connectionArn) }))
        .output as DescribedConnection;
    } catch (error) {
      if (isServiceError(error) && error.name === 'ResourceNotFoundException') return { kind: 'none' };
      return connectionFailure(connectionArn, 'DescribeConnection', error);
    }
    if (described.ConnectionState !== undefined && described.ConnectionState !== 'AUTHORIZED') {
      return refused(
        'Events.ConnectionResource.InvalidConnectionState',
        `The connection '${connectionArn}' is ${described.ConnectionState}${
          described.StateReason ? `: ${described.StateReason}` : ''
        }.`,
      );
    }
    const read = await readSecret(clients, connectionArn, described.SecretArn);
    if (read.kind === 'refused') return read;
    return connectionOf(connectionArn, described, read.secret);
  };
}

async function readSecret(
  clients: SdkClients,
  connectionArn: string,
  secretArn: string | undefined,
): Promise<{ kind: 'read'; secret: ConnectionSecret } | Extract<ConnectionLookup, { kind: 'refused' }>> {
  const empty = { kind: 'read', secret: {} } as const;
  if (secretArn === undefined) return empty;
  const secrets = await clients.load('secretsmanager');
  if (!secrets.ok) {
    return refused(
      'Events.ConnectionResource.InternalError',
      `The secret of the connection '${connectionArn}' cannot be read: ${secrets.missing}.`,
    );
  }
  const get = clients.commandOf(secrets, 'getSecretValue');
  if (!get) return empty;
  let text: unknown;
  try {
    text = (await clients.send(secrets, get, { SecretId: secretArn })).output.SecretString;
  } catch (error) {
    return connectionFailure(connectionArn, 'GetSecretValue', error);
  }
  if (typeof text !== 'string') return empty;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null
      ? { kind: 'read', secret: parsed as ConnectionSecret }
      : empty;
  } catch {
    return refused(
      'Events.ConnectionResource.InternalError',
      `The secret of the connection '${connectionArn}' is not JSON.`,
    );
  }
}

function connectionOf(
  connectionArn: string,
  described: DescribedConnection,
  secret: ConnectionSecret,
): ConnectionLookup {
  const params = described.AuthParameters ?? {};
  const missing = (what: string) =>
    refused(
      'Events.ConnectionResource.InvalidConnectionState',
      `The connection '${connectionArn}' has no ${what}.`,
    );
  let authorization: ConnectionAuthorization;
  switch (described.AuthorizationType) {
    case 'API_KEY': {
      const name = secret.api_key_name ?? params.ApiKeyAuthParameters?.ApiKeyName;
      if (name === undefined || secret.api_key_value === undefined) return missing('API key');
      authorization = { type: 'API_KEY', name, value: secret.api_key_value };
      break;
    }
    case 'BASIC': {
      const username = secret.username ?? params.BasicAuthParameters?.Username;
      if (username === undefined || secret.password === undefined) return missing('username and password');
      authorization = { type: 'BASIC', username, password: secret.password };
      break;
    }
    case 'OAUTH_CLIENT_CREDENTIALS': {
      const oauth = params.OAuthParameters ?? {};
      const clientId = secret.client_id ?? oauth.ClientParameters?.ClientID;
      const endpoint = secret.authorization_endpoint ?? oauth.AuthorizationEndpoint;
      if (clientId === undefined || secret.client_secret === undefined || endpoint === undefined) {
        return missing('OAuth client credentials and authorization endpoint');
      }
      const method = (secret.http_method ?? oauth.HttpMethod ?? 'POST').toUpperCase();
      authorization = {
        type: 'OAUTH_CLIENT_CREDENTIALS',
        clientId,
        clientSecret: secret.client_secret,
        authorizationEndpoint: endpoint,
        httpMethod: method === 'GET' || method === 'PUT' ? method : 'POST',
        parameters: parametersOf(secret.oauth_http_parameters),
      };
      break;
    }
    default:
      return refused(
        'Events.ConnectionResource.InvalidConnectionState',
        `The connection '${connectionArn}' has an authorization type the HTTP Task cannot use: ${String(described.AuthorizationType)}.`,
      );
  }
  return {
    kind: 'found',
    connection: { authorization, invocation: parametersOf(secret.invocation_http_parameters) },
  };
}

function parametersOf(parameters: SecretParameters | undefined): HttpParameters {
  const pairs = (list: Array<{ key?: string; value?: string }> | undefined) => {
    const out: Record<string, string> = {};
    for (const { key, value } of list ?? []) if (key !== undefined) out[key] = value ?? '';
    return out;
  };
  return {
    headers: pairs(parameters?.header_parameters),
    queryParameters: pairs(parameters?.query_string_parameters),
    body: pairs(parameters?.body_parameters),
  };
}

/** A service's refusal of a lookup, as AWS names it; an error that never reached the service is thrown. */
function connectionFailure(
  connectionArn: string,
  operation: string,
  error: unknown,
): Extract<ConnectionLookup, { kind: 'refused' }> {
  if (!isServiceError(error)) throw error;
  const denied = error.name.includes('AccessDenied');
  return refused(
    denied ? 'Events.ConnectionResource.AccessDenied' : 'Events.ConnectionResource.InternalError',
    `${operation} of the connection '${connectionArn}' failed: ${error.name}: ${error.message}`,
  );
}

function refused(error: string, cause: string): Extract<ConnectionLookup, { kind: 'refused' }> {
  return { kind: 'refused', error, cause };
}
