import { describe, expect, it } from 'vitest';
import { runExecution } from '../../../shared/index.ts';

describe('the history projection', () => {
  it('shares a Date between events of one millisecond that no caller can change under the others', async () => {
    const definition = {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } },
    };
    const run = await runExecution({ definition, input: {}, clock: 'virtual' });
    const [first, ...rest] = run.events;
    if (first === undefined) throw new Error('no events');
    const time = first.timestamp.getTime();
    const sharing = rest.filter((event) => event.timestamp === first.timestamp);
    expect(sharing.length).toBeGreaterThan(0);
    expect(first.timestamp).toBeInstanceOf(Date);
    expect(() => first.timestamp.setTime(0)).toThrow(TypeError);
    expect(() => first.timestamp.setUTCFullYear(2000)).toThrow(TypeError);
    for (const event of sharing) expect(event.timestamp.getTime()).toBe(time);
    // A copy is a Date of the caller's own.
    const copy = new Date(first.timestamp);
    copy.setTime(0);
    expect(copy.getTime()).toBe(0);
    expect(JSON.parse(JSON.stringify(run)).events[0].timestamp).toBe(new Date(time).toISOString());
  });
});
