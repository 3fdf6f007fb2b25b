import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../shared/engine/engine-error.ts';
import { describeError } from '../../../shared/lib/describe-error.ts';
import { InvariantError } from '../../../shared/lib/invariant-error.ts';

const chainOf = (length: number): Error =>
  Array.from({ length }, (_, i) => i).reduce<Error | undefined>(
    (cause, i) => new Error(`link ${length - i}`, cause === undefined ? {} : { cause }),
    undefined,
  ) as Error;

describe('describeError (what a log line says of an error)', () => {
  it.each<[string, unknown, string]>([
    ['a plain Error', new TypeError('x is undefined'), 'TypeError: x is undefined'],
    ['a bug', new InvariantError('Revision r1 is missing'), 'InvariantError: Revision r1 is missing'],
    [
      'an EngineError, with its code',
      new EngineError('InfrastructureFailure', 'the log kept moving'),
      'EngineError [InfrastructureFailure]: the log kept moving',
    ],
    [
      'an EngineError and the chain of causes under it',
      new EngineError('S3WriteRefused', 'Access Denied (Service: S3…)', {
        cause: Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
      }),
      'EngineError [S3WriteRefused]: Access Denied (Service: S3…) ← caused by AccessDenied: Access Denied',
    ],
    [
      'a cause that is not an Error',
      new Error('fetch failed', { cause: { code: 'ECONNREFUSED' } }),
      'Error: fetch failed ← caused by {"code":"ECONNREFUSED"}',
    ],
    ['a thrown string', 'boom', 'boom'],
    [
      'a chain of five links, whole',
      chainOf(5),
      'Error: link 1 ← caused by Error: link 2 ← caused by Error: link 3 ← caused by Error: link 4 ← caused by Error: link 5',
    ],
    [
      'a chain of six links, cut after five',
      chainOf(6),
      'Error: link 1 ← caused by Error: link 2 ← caused by Error: link 3 ← caused by Error: link 4 ← caused by Error: link 5 ← caused by …',
    ],
  ])('%s', (_, error, expected) => {
    expect(describeError(error)).toBe(expected);
  });
});
