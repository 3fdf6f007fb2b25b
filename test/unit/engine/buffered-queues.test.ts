import { describe, expect, it } from 'vitest';
import { LINGER_MS, SendCoalescer } from '../../../shared/engine/buffered-queues.ts';
import type { Queues, TaskEnvelope } from '../../../shared/engine/ports.ts';
import { withUnsent } from '../../../shared/lib/unsent-messages.ts';

/** Per-record sends: what each record's flush sends, in how many calls, and which record a failure fails. */
const task = (executionArn: string): TaskEnvelope => ({
  executionArn,
  scope: '',
  ref: 1,
  request: { kind: 'lambda', functionName: 'f', payload: {}, style: 'invoke' },
});

/** Queues recording each sendTasks call; `refuse` names executions whose messages SQS refuses per entry. */
function recordingQueues(refuse: ReadonlySet<string> = new Set()) {
  const calls: string[][] = [];
  const queues: Queues = {
    sendTransitions: async () => undefined,
    sendTimers: async () => undefined,
    sendRecords: async () => undefined,
    sendTasks: async (envelopes) => {
      calls.push(envelopes.map((e) => e.executionArn));
      const refused = envelopes.flatMap((e, i) => (refuse.has(e.executionArn) ? [i] : []));
      if (refused.length > 0) throw withUnsent(new Error(`refused ${refused.length}`), refused);
    },
  };
  return { calls, queues };
}

describe('SendCoalescer', () => {
  it('sends the records that finish in the same turn in one call', async () => {
    const { calls, queues } = recordingQueues();
    const coalescer = new SendCoalescer(queues);
    const a = coalescer.forRecord();
    const b = coalescer.forRecord();
    await a.sendTasks([task('a')]);
    await b.sendTasks([task('b')]);
    await Promise.all([a.flush(), b.flush()]);
    expect(calls).toEqual([['a', 'b']]);
  });

  it('a record finishing a moment after another, both of one batch, shares its call', async () => {
    const { calls, queues } = recordingQueues();
    const coalescer = new SendCoalescer(queues);
    const a = coalescer.forRecord();
    const b = coalescer.forRecord();
    await a.sendTasks([task('a')]);
    const aSent = a.flush();
    await new Promise((resolve) => setImmediate(resolve));
    await b.sendTasks([task('b')]);
    await Promise.all([aSent, b.flush()]);
    expect(calls).toEqual([['a', 'b']]);
  });

  it(`a record's flush waits at most ${LINGER_MS} ms for a record still at work`, async () => {
    const { calls, queues } = recordingQueues();
    const coalescer = new SendCoalescer(queues);
    const slow = coalescer.forRecord();
    const fast = coalescer.forRecord();
    await slow.sendTasks([task('slow')]);
    await fast.sendTasks([task('fast')]);
    await fast.flush();
    expect(calls).toEqual([['fast']]);
    await slow.flush();
    expect(calls).toEqual([['fast'], ['slow']]);
  });

  it('a refused message fails its own record; the others of the call are not sent again', async () => {
    const { calls, queues } = recordingQueues(new Set(['bad']));
    const coalescer = new SendCoalescer(queues);
    const good = coalescer.forRecord();
    const bad = coalescer.forRecord();
    await good.sendTasks([task('good')]);
    await bad.sendTasks([task('bad')]);
    const [goodResult, badResult] = await Promise.allSettled([good.flush(), bad.flush()]);
    expect(goodResult.status).toBe('fulfilled');
    expect(badResult).toMatchObject({ status: 'rejected', reason: { message: 'refused 1' } });
    expect(calls).toEqual([['good', 'bad'], ['bad']]);
  });

  it('a call that fails without saying what went is sent again record by record', async () => {
    const calls: number[] = [];
    const queues: Queues = {
      sendTransitions: async () => undefined,
      sendTimers: async () => undefined,
      sendRecords: async () => undefined,
      sendTasks: async (envelopes) => {
        calls.push(envelopes.length);
        if (envelopes.some((e) => e.executionArn === 'too-big')) throw new Error('too big');
      },
    };
    const coalescer = new SendCoalescer(queues);
    const good = coalescer.forRecord();
    const bad = coalescer.forRecord();
    await good.sendTasks([task('good')]);
    await bad.sendTasks([task('too-big')]);
    const results = await Promise.allSettled([good.flush(), bad.flush()]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(calls).toEqual([2, 1, 1]);
  });
});
