import type { DeclaredResources } from '../../shared/composition/declared-resources.ts';
import type { LambdaHandler } from '../../shared/integrations/local-functions.ts';
import type { Json } from '../../shared/lib/json.ts';

/**
 * One conformance case: a definition and input, the Lambda handlers it calls, and what AWS Step Functions
 * gives for them — the execution's status, output or error, and the history's event types in order.
 * Cases are engine-agnostic: the in-memory runner runs them here, the durable engine runs the same ones.
 */
export interface ConformanceCase {
  /** What happens under what condition, e.g. "InputPath null gives the state an empty object". */
  name: string;
  definition: object;
  input?: Json;
  functions?: Record<string, LambdaHandler>;
  expected: Expected;
  /** The history's event types, in order (ExecutionStarted first). */
  events?: string[];
  /** `[id, previousEventId]` of every event, when the case is about the history's links. */
  links?: Array<[number, number]>;
  /** Details of chosen events, matched partially: `{ 3: { stateEnteredEventDetails: { name: 'A' } } }`. */
  eventDetails?: Record<number, object>;
  /**
   * Tables, queues, topics and buckets the case's service integrations use, created before it runs. An HTTP
   * Task's case names the test HTTP API (test/support/http-api.ts) as `{{api}}` in its definition; the harness
   * puts the API's base URL there.
   */
  resources?: DeclaredResources;
  /** Milliseconds from the start at which the execution ends (virtual clock), for waits, retries and timeouts. */
  durationMs?: number;
  /**
   * Real milliseconds the durable engine may take for the case, when it moves far more data than the others
   * (the suite's default otherwise): a timeout that fits an idle machine fails on a loaded one.
   */
  durableTimeoutMs?: number;
}

export type Expected =
  | { status: 'SUCCEEDED'; output: Json }
  | { status: 'FAILED' | 'TIMED_OUT'; error?: string; cause?: string | RegExp };

/** The case's definition with `{{api}}` standing for the test HTTP API's base URL (`http://127.0.0.1:<port>`). */
export function definitionOf(testCase: ConformanceCase, apiBase: string): object {
  return JSON.parse(JSON.stringify(testCase.definition).replaceAll('{{api}}', apiBase)) as object;
}
