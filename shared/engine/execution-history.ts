import { type HistoryEvent, toHistoryEvents } from '../history/to-history-event.ts';
import type { EngineDeps } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import { requireExecution } from './executions.ts';
import { pageSize } from './page-size.ts';

export interface GetExecutionHistoryInput {
  executionArn: string;
  maxResults?: number;
  nextToken?: string;
  reverseOrder?: boolean;
  includeExecutionData?: boolean;
}

/** Commits read per request while filling a page. */
const COMMITS_PER_READ = 100;

/**
 * GetExecutionHistory over the commits, in AWS's shape. A page token says where the next page starts: a
 * commit and the position of the next event in it, so a page costs what it returns, however long the history.
 */
export async function getExecutionHistory(
  deps: EngineDeps,
  request: GetExecutionHistoryInput,
): Promise<{ events: HistoryEvent[]; nextToken?: string }> {
  if (request.nextToken === undefined) await requireExecution(deps, request.executionArn);
  const size = pageSize(request.maxResults);
  const reverse = request.reverseOrder === true;
  const position = request.nextToken === undefined ? undefined : decodeToken(request.nextToken, reverse);
  const options = { includeExecutionData: request.includeExecutionData !== false };
  const events: HistoryEvent[] = [];
  let from = position?.commit;
  let skip = position?.event ?? 0;
  for (;;) {
    const commits = await deps.log.readCommits(request.executionArn, {
      ...(from !== undefined ? { from } : {}),
      reverse,
      limit: COMMITS_PER_READ,
    });
    for (const commit of commits) {
      const visible = toHistoryEvents(commit.events, options);
      if (reverse) visible.reverse();
      for (let i = skip; i < visible.length; i++) {
        if (events.length === size) return { events, nextToken: encodeToken(commit.n, i, reverse) };
        events.push(visible[i] as HistoryEvent);
      }
      skip = 0;
    }
    const last = commits.at(-1);
    if (!last || commits.length < COMMITS_PER_READ) return { events };
    from = reverse ? last.n - 1 : last.n + 1;
    if (from < 1) return { events };
  }
}

function encodeToken(commit: number, event: number, reverse: boolean): string {
  return Buffer.from(JSON.stringify({ c: commit, e: event, r: reverse })).toString('base64url');
}

function decodeToken(token: string, reverse: boolean): { commit: number; event: number } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      c: unknown;
      e: unknown;
      r: unknown;
    };
    if (Number.isInteger(parsed.c) && Number.isInteger(parsed.e) && parsed.r === reverse) {
      return { commit: parsed.c as number, event: parsed.e as number };
    }
  } catch {
    // falls through to the error below
  }
  throw new EngineError('InvalidToken', `Invalid Token: '${token}'`);
}
