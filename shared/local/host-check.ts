import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * DNS rebinding: a web page on `evil.example` whose name is made to resolve to 127.0.0.1 can send requests
 * to a server on this machine, and its browser names `evil.example` in the Host header. The local server
 * answers only requests whose Host names it: a loopback name (127.0.0.1, localhost, [::1]) or the host it
 * listens on, with its port, and the same with the `sync-` prefix the AWS SDKs put before the host of
 * StartSyncExecution and TestState (a `sync-localhost` resolves on some systems). A server listening on
 * every interface (0.0.0.0, ::) was asked to be reached by any name, so it does not check.
 */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const HOST_PREFIXES = ['', 'sync-'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** The Host values a server listening on `listenHost:port` answers; undefined when it answers any. */
export function allowedHosts(listenHost: string, port: number): ReadonlySet<string> | undefined {
  if (WILDCARD_HOSTS.has(listenHost)) return undefined;
  const listened = listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost;
  const names = new Set([...LOOPBACK_NAMES, listened.toLowerCase()]);
  const allowed = new Set<string>();
  for (const name of names) {
    for (const prefix of HOST_PREFIXES) {
      allowed.add(`${prefix}${name}:${port}`);
      // HTTP leaves the port out when it is the scheme's default.
      if (port === 80) allowed.add(`${prefix}${name}`);
    }
  }
  return allowed;
}

/** True when the request may go on; otherwise answers 403 and returns false. */
export function checkHost(
  allowed: ReadonlySet<string> | undefined,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  if (allowed === undefined) return true;
  const host = request.headers.host?.trim().toLowerCase();
  if (host !== undefined && allowed.has(host)) return true;
  const body = JSON.stringify({
    __type: 'AccessDeniedException',
    message: `The Host header '${request.headers.host ?? ''}' does not name this server: use the endpoint it printed (127.0.0.1 or localhost with its port)`,
  });
  response.writeHead(403, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
  return false;
}
