import { InvariantError } from './invariant-error.ts';
/** Ends an exhaustive `switch` over a discriminated union: a new member becomes a type error here. */
export function assertNever(value: never, what = 'value'): never {
  throw new InvariantError(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
