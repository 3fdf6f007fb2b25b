import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HttpInspector, TaskOutcome } from '../engine/ports.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { Json } from '../lib/json.ts';
import {
  buildHttpRequest,
  buildTokenRequest,
  type ConnectionAuthorization,
  type HttpConnection,
  type HttpRequest,
  type HttpResponse,
  httpInspection,
  httpTaskOutcome,
  parseHttpTask,
} from './http-request.ts';

/**
 * The HTTP Task's I/O: the host allow-list, the connection (configured, or read from EventBridge and Secrets
 * Manager on AWS), the OAuth token, and the call itself within AWS's 60 seconds.
 */

/**
 * What looking a connection up found: the connection, nothing (another resolver may know it), or a connection
 * that exists but cannot be used (access denied, not authorized), failed as AWS names it
 * (`Events.ConnectionResource.*`). A lookup that never reached its service is thrown, for the task to be retried.
 */
export type ConnectionLookup =
  | { kind: 'found'; connection: HttpConnection }
  | { kind: 'none' }
  | { kind: 'refused'; error: string; cause: string };

/** Finds a connection by its ARN (or its name in it). */
export type ConnectionResolver = (connectionArn: string) => Promise<ConnectionLookup>;

export interface HttpInvokerOptions {
  region: string;
  /**
   * The hosts HTTP Tasks may call: `api.example.com` (any port), `api.example.com:8443` (that port only),
   * `*.example.com` (its subdomains). Empty: none.
   */
  allowedHosts: readonly string[];
  /** Where the config's connections end and AWS's begin: the resolvers are asked in order. */
  resolvers: readonly ConnectionResolver[];
  /** Where the causes say to declare a connection and to allow a host. */
  hints: { connections: string; allowedHosts: string };
  /** Milliseconds a call may take (AWS: 60 s). */
  timeoutMs?: number;
}

const HTTP_TIMEOUT_MS = 60_000;
/** What AWS reads of a response body (the Range it asks for). */
const MAX_RESPONSE_BYTES = 262_144 + 1;

export class HttpInvoker {
  readonly #options: HttpInvokerOptions;
  readonly #tokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(options: HttpInvokerOptions) {
    this.#options = options;
  }

  /** Calls the API; `inspect` (TestState at TRACE) is told the request sent and the response read. */
  async invoke(parameters: Json, signal?: AbortSignal, inspect?: HttpInspector): Promise<TaskOutcome> {
    const parsed = parseHttpTask(parameters);
    if (!parsed.ok) return parsed;
    const { call } = parsed;
    const refused = this.#refusedHost(call.url);
    if (refused) return refused;
    const lookup = await this.#resolve(call.connectionArn);
    if (lookup.kind === 'refused') return { ok: false, error: lookup.error, cause: lookup.cause };
    if (lookup.kind === 'none') {
      return {
        ok: false,
        error: 'Events.ConnectionResource.ResourceNotFound',
        cause: `The connection '${call.connectionArn}' does not exist (${this.#options.hints.connections}).`,
      };
    }
    const { connection } = lookup;
    let token: string | undefined;
    if (connection.authorization.type === 'OAUTH_CLIENT_CREDENTIALS') {
      const fetched = await this.#token(call.connectionArn, connection.authorization, signal);
      if (!fetched.ok) return fetched;
      token = fetched.token;
    }
    const built = buildHttpRequest(call, connection, this.#options.region, token);
    if (!built.ok) return built;
    const sent = await this.#send(built.request, signal);
    if (inspect) {
      const shown = inspect.revealSecrets ? built : buildHttpRequest(call, null, this.#options.region);
      if (shown.ok) inspect.record(httpInspection(shown.request, sent.ok ? sent.response : undefined));
    }
    if (!sent.ok) return sent;
    // A token the API no longer takes is fetched again on the next call (a Retry, say).
    if (token !== undefined && sent.response.statusCode === 401) this.#tokens.delete(call.connectionArn);
    return httpTaskOutcome(sent.response);
  }

  #refusedHost(url: URL): Extract<TaskOutcome, { ok: false }> | undefined {
    if (isAllowedHost(url, this.#options.allowedHosts)) return undefined;
    return {
      ok: false,
      error: StatesErrors.TaskFailed,
      cause: `Statefold cannot call http:invoke: the host '${url.host}' is not in the allowed hosts (${
        this.#options.allowedHosts.length === 0 ? 'none are allowed' : this.#options.allowedHosts.join(', ')
      }); ${this.#options.hints.allowedHosts}.`,
    };
  }

  async #resolve(connectionArn: string): Promise<ConnectionLookup> {
    for (const resolve of this.#options.resolvers) {
      const lookup = await resolve(connectionArn);
      if (lookup.kind !== 'none') return lookup;
    }
    return { kind: 'none' };
  }

  /** The connection's bearer token: fetched with its client credentials, kept until it expires. */
  async #token(
    connectionArn: string,
    auth: Extract<ConnectionAuthorization, { type: 'OAUTH_CLIENT_CREDENTIALS' }>,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; token: string } | Extract<TaskOutcome, { ok: false }>> {
    const cached = this.#tokens.get(connectionArn);
    if (cached && cached.expiresAt > Date.now()) return { ok: true, token: cached.token };
    let request: HttpRequest;
    try {
      request = buildTokenRequest(auth, this.#options.region);
    } catch {
      return invalidConnection(
        connectionArn,
        `its authorization endpoint '${auth.authorizationEndpoint}' is not an URL`,
      );
    }
    const refused = this.#refusedHost(request.url);
    if (refused) return refused;
    const sent = await this.#send(request, signal);
    if (!sent.ok) return sent;
    const { statusCode, body } = sent.response;
    if (statusCode < 200 || statusCode >= 300) {
      return invalidConnection(
        connectionArn,
        `its authorization endpoint answered ${statusCode}: ${body.slice(0, 500)}`,
      );
    }
    let answer: { access_token?: unknown; expires_in?: unknown };
    try {
      answer = JSON.parse(body) as typeof answer;
    } catch {
      return invalidConnection(connectionArn, 'its authorization endpoint answered no JSON');
    }
    if (typeof answer.access_token !== 'string' || answer.access_token === '') {
      return invalidConnection(connectionArn, 'its authorization endpoint answered no access_token');
    }
    if (typeof answer.expires_in === 'number' && answer.expires_in > 0) {
      this.#tokens.set(connectionArn, {
        token: answer.access_token,
        expiresAt: Date.now() + Math.max(0, answer.expires_in - 30) * 1000,
      });
    }
    return { ok: true, token: answer.access_token };
  }

  /** Sends one request; a network failure or the 60 s deadline is AWS's `States.Http.Socket`. */
  #send(
    request: HttpRequest,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; response: HttpResponse } | Extract<TaskOutcome, { ok: false }>> {
    const timeoutMs = this.#options.timeoutMs ?? HTTP_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const send = request.url.protocol === 'https:' ? httpsRequest : httpRequest;
      const headers: Record<string, string> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
      let settled = false;
      const socketFailure = (cause: string) => {
        if (settled) return;
        settled = true;
        resolve({ ok: false, error: 'States.Http.Socket', cause });
      };
      let outgoing: ReturnType<typeof send>;
      try {
        outgoing = send(request.url, { method: request.method, headers, ...(signal ? { signal } : {}) });
      } catch (error) {
        // A header name or value HTTP does not allow (a line break, say): the request cannot be made.
        resolve({
          ok: false,
          error: StatesErrors.Runtime,
          cause: `The HTTP Task request cannot be sent: ${(error as Error).message}`,
        });
        return;
      }
      const timer = setTimeout(() => {
        outgoing.destroy();
        socketFailure(
          `The HTTP request to ${request.url.origin} did not complete within ${timeoutMs / 1000} seconds.`,
        );
      }, timeoutMs);
      outgoing.on('response', (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          if (size >= MAX_RESPONSE_BYTES) return;
          chunks.push(chunk);
          size += chunk.length;
        });
        incoming.on('error', (error) => {
          clearTimeout(timer);
          socketFailure(`The HTTP response from ${request.url.origin} failed: ${error.message}`);
        });
        incoming.on('end', () => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          const responseHeaders: Record<string, string[]> = {};
          for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
            const name = (incoming.rawHeaders[i] as string).toLowerCase();
            responseHeaders[name] = [...(responseHeaders[name] ?? []), incoming.rawHeaders[i + 1] as string];
          }
          resolve({
            ok: true,
            response: {
              statusCode: incoming.statusCode ?? 0,
              statusText: incoming.statusMessage ?? '',
              headers: responseHeaders,
              body: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8'),
            },
          });
        });
      });
      outgoing.on('error', (error: Error & { code?: string }) => {
        clearTimeout(timer);
        if (error.name === 'AbortError') {
          if (!settled) {
            settled = true;
            reject(error);
          }
          return;
        }
        socketFailure(
          `The HTTP request to ${request.url.origin} failed: ${error.code ? `${error.code} ` : ''}${error.message}`,
        );
      });
      outgoing.end(request.body);
    });
  }
}

/** Whether the URL's host is on the allow-list (`host`, `host:port`, `*.domain`). */
export function isAllowedHost(url: URL, allowedHosts: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase();
    const [, host = '', allowedPort] = /^(.*?)(?::(\d+))?$/.exec(allowed) ?? [];
    if (allowedPort !== undefined && allowedPort !== port) return false;
    if (host.startsWith('*.')) return hostname.endsWith(host.slice(1));
    return hostname === host;
  });
}

function invalidConnection(connectionArn: string, problem: string): Extract<TaskOutcome, { ok: false }> {
  return {
    ok: false,
    error: 'Events.ConnectionResource.InvalidConnectionState',
    cause: `The connection '${connectionArn}' could not be authorized: ${problem}.`,
  };
}
