import { describe, expect, it } from 'vitest';
import { mapInvokeResponse } from '../../../shared/engine/lambda-outcome.ts';
import type { InvokeResponse } from '../../../shared/engine/ports.ts';
import { LocalFunctions } from '../../../shared/integrations/local-functions.ts';
import { MAX_PAYLOAD_BYTES } from '../../../shared/lib/json.ts';

/**
 * mapInvokeResponse settles short payloads without counting their bytes or scanning their nesting, and takes a
 * local function error's errorType from the invoker: each shortcut must answer as the full check would.
 */
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:f';

function response(payload: string, extra: Partial<InvokeResponse> = {}): InvokeResponse {
  return {
    statusCode: 200,
    payload,
    executedVersion: '$LATEST',
    requestId: 'r',
    date: 'd',
    traceId: 't',
    ...extra,
  };
}

describe('the payload size limit', () => {
  it('a payload of multi-byte characters over a third of the limit in length but under it in bytes passes', () => {
    // 2 bytes of UTF-8 each: 3 units × 100,000 > 262,144, 2 bytes × 100,000 + 2 ≤ 262,144.
    const payload = JSON.stringify('é'.repeat(100_000));
    expect(payload.length * 3).toBeGreaterThan(MAX_PAYLOAD_BYTES);
    expect(mapInvokeResponse(response(payload), 'legacy', ARN)).toEqual({
      ok: true,
      output: 'é'.repeat(100_000),
    });
  });

  it('a payload of multi-byte characters over the limit in bytes fails with States.DataLimitExceeded', () => {
    const payload = JSON.stringify('é'.repeat(140_000));
    expect(payload.length).toBeLessThan(MAX_PAYLOAD_BYTES);
    expect(mapInvokeResponse(response(payload), 'legacy', ARN)).toMatchObject({
      ok: false,
      error: 'States.DataLimitExceeded',
    });
  });

  it('a function error payload over the limit fails with States.DataLimitExceeded, whatever its errorType', () => {
    const payload = JSON.stringify({
      errorType: 'Error',
      errorMessage: 'x'.repeat(MAX_PAYLOAD_BYTES),
      trace: [],
    });
    expect(
      mapInvokeResponse(response(payload, { functionError: 'Unhandled', errorType: 'Error' }), 'legacy', ARN),
    ).toMatchObject({ ok: false, error: 'States.DataLimitExceeded' });
  });
});

describe('the nesting limit', () => {
  it('1,000 levels pass and 1,001 fail with States.Runtime, as Jackson reads them', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(mapInvokeResponse(response(nested(1_000)), 'legacy', ARN)).toMatchObject({ ok: true });
    expect(mapInvokeResponse(response(nested(1_001)), 'legacy', ARN)).toMatchObject({
      ok: false,
      error: 'States.Runtime',
      cause: expect.stringContaining('Document nesting depth (1001)'),
    });
  });

  it('a short text is never too deep: 500 openers nest 500 levels', () => {
    expect(mapInvokeResponse(response('['.repeat(500)), 'legacy', ARN)).toMatchObject({
      ok: true,
      output: '['.repeat(500),
    });
  });
});

describe("a local function error's errorType", () => {
  const invoke = async (handler: () => unknown) => {
    const functions = new LocalFunctions({ f: handler }, 'us-east-1', '123456789012');
    return functions.invoke({ functionName: ARN, payload: '{}' });
  };

  it.each([
    ['an Error', () => new Error('busy')],
    ['a TypeError', () => new TypeError('bad')],
    ['an Error whose name is a number', () => Object.assign(new Error('odd'), { name: 42 })],
    ['a string', () => 'plain'],
    ['an object', () => ({ errorType: 'Nope' })],
  ])('for %s is the one the payload names', async (_label, make) => {
    const answered = await invoke(() => {
      throw make();
    });
    const withHint = mapInvokeResponse(answered, 'legacy', ARN);
    const { errorType: _hint, ...unhinted } = answered;
    const parsed = mapInvokeResponse(
      { ...unhinted, date: answered.date, traceId: answered.traceId },
      'legacy',
      ARN,
    );
    expect(withHint).toEqual(parsed);
    expect(withHint).toMatchObject({ ok: false, cause: answered.payload });
  });

  it('a thrown value whose description throws fails the call', async () => {
    const hostile = Object.create(Error.prototype, {
      name: {
        get() {
          throw new Error('no name');
        },
      },
    }) as Error;
    await expect(
      invoke(() => {
        throw hostile;
      }),
    ).rejects.toThrow('no name');
  });

  it('an Event invocation answers 202 whatever the handler throws, and leaves no rejection unhandled', async () => {
    const hostile = Object.create(Error.prototype, {
      name: {
        get() {
          throw new Error('no name');
        },
      },
    }) as Error;
    const unhandled: unknown[] = [];
    const hear = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', hear);
    try {
      const functions = new LocalFunctions(
        {
          f: () => {
            throw hostile;
          },
        },
        'us-east-1',
        '123456789012',
      );
      const answered = await functions.invoke({ functionName: ARN, payload: '{}', invocationType: 'Event' });
      expect(answered.statusCode).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', hear);
    }
    expect(unhandled).toEqual([]);
  });

  it('a result JSON cannot hold fails the task as the TypeError JSON.stringify throws', async () => {
    const answered = await invoke(() => ({ big: 1n }));
    expect(answered.functionError).toBe('Unhandled');
    expect(mapInvokeResponse(answered, 'legacy', ARN)).toMatchObject({ ok: false, error: 'TypeError' });
  });

  it("the trace holds the handler's frames, then the event loop's, and none of the engine's", async () => {
    const answered = await invoke(function busyHandler() {
      throw new Error('busy');
    });
    const trace = (JSON.parse(answered.payload) as { trace: string[] }).trace;
    expect(trace[0]).toBe('Error: busy');
    expect(trace[1]).toMatch(/^ {4}at busyHandler \(.+:\d+:\d+\)$/);
    expect(trace.slice(2).filter((line) => line.includes('/shared/'))).toEqual([]);
  });

  it('an async handler that rejects after an await reports its own frames', async () => {
    const answered = await invoke(async function slowHandler() {
      await Promise.resolve();
      throw new RangeError('late');
    });
    expect(answered.functionError).toBe('Unhandled');
    const payload = JSON.parse(answered.payload) as { errorType: string; trace: string[] };
    expect(payload.errorType).toBe('RangeError');
    expect(payload.trace[0]).toBe('RangeError: late');
    expect(payload.trace[1]).toMatch(/^ {4}at slowHandler \(/);
  });
});
