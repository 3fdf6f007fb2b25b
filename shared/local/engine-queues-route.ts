import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DeadLetterRoute, ENGINE_QUEUES } from '../queue/dead-letters.ts';
import type { LocalEngine } from './local-engine.ts';

/**
 * `GET /statefold/queues` on the local server: where its embedded SQS listens (a free port, new at each start)
 * and the engine's queues with their dead-letter queues, for `statefold dlq` to find them from the server's
 * endpoint alone. The Step Functions API is POST only, so this path takes nothing from it.
 */
export const ENGINE_QUEUES_PATH = '/statefold/queues';

export interface EngineQueuesDescription {
  region: string;
  sqsEndpoint: string;
  routes: DeadLetterRoute[];
}

export function describeEngineQueues(engine: LocalEngine, region: string): EngineQueuesDescription {
  return {
    region,
    sqsEndpoint: engine.sqs.endpoint,
    routes: ENGINE_QUEUES.map((queue) => ({
      queue,
      sourceUrl: engine.sqs.urls[queue],
      deadLetterUrl: engine.sqs.dlqUrls[queue],
    })),
  };
}

/** Answers the request if it is for the queues' description (true), else leaves it alone (false). */
export function serveEngineQueues(
  request: IncomingMessage,
  response: ServerResponse,
  describe: () => EngineQueuesDescription | undefined,
): boolean {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path !== ENGINE_QUEUES_PATH || request.method !== 'GET') return false;
  const description = describe();
  response.writeHead(description ? 200 : 503, { 'content-type': 'application/json' });
  response.end(JSON.stringify(description ?? { message: 'The local engine is not running yet' }));
  return true;
}
