import { Console } from 'node:console';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LocalFunctions } from '../../../shared/integrations/local-functions.ts';
import { prefixFunctionOutput } from '../../../shared/local/function-output.ts';

/** Local functions' console output names the function and the execution, concurrent runs included. */

function capture(): { target: Console; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { target: new Console({ stdout: stream, stderr: stream }), text: () => text };
}

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:orders:';

describe('prefixFunctionOutput', () => {
  it('prefixes each line a handler prints, across awaits and concurrent invocations, and nothing else', async () => {
    const { target, text } = capture();
    const restore = prefixFunctionOutput(target);
    try {
      // A real timer is the point: the two invocations interleave across it, as handlers awaiting I/O do.
      const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
      const functions = new LocalFunctions(
        {
          charge: async (event: { n: number }) => {
            target.log('charging %d', event.n);
            await tick();
            target.error({ n: event.n });
            return event.n;
          },
        },
        'us-east-1',
        '123456789012',
      );
      target.log('server line');
      await Promise.all([
        functions.invoke({ functionName: 'charge', payload: '{"n":1}', executionArn: `${ARN}first` }),
        functions.invoke({ functionName: 'charge', payload: '{"n":2}', executionArn: `${ARN}second` }),
        functions.invoke({ functionName: 'charge', payload: '{"n":3}' }),
      ]);
      await tick();
      expect(text().split('\n').sort()).toEqual(
        [
          '',
          'server line',
          '[charge first] charging 1',
          '[charge second] charging 2',
          '[charge] charging 3',
          '[charge first] { n: 1 }',
          '[charge second] { n: 2 }',
          '[charge] { n: 3 }',
        ].sort(),
      );
    } finally {
      restore();
    }
  });

  it('restore puts the console back as it was', () => {
    const { target } = capture();
    const log = target.log;
    prefixFunctionOutput(target)();
    expect(target.log).toBe(log);
  });
});
