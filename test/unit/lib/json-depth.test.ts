import { describe, expect, it } from 'vitest';
import { findExcessiveNesting, MAX_JSON_NESTING_DEPTH } from '../../../shared/lib/json-depth.ts';

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

describe('findExcessiveNesting: JSON deeper than 1,000 levels is found before it is parsed', () => {
  it.each([
    { title: 'a flat object', text: '{"a":1,"b":[1,2,{"c":null}]}', expected: undefined },
    { title: '1,000 arrays', text: nested(1_000), expected: undefined },
    { title: '1,001 arrays', text: nested(1_001), expected: 1_001 },
    { title: '100,000 arrays (found at 1,001, not walked further)', text: nested(100_000), expected: 1_001 },
    {
      title: 'objects and arrays mixed',
      text: '{"a":'.repeat(600) + nested(401) + '}'.repeat(600),
      expected: 1_001,
    },
    { title: 'brackets inside strings do not count', text: `["${'['.repeat(5_000)}"]`, expected: undefined },
    {
      title: 'an escaped quote does not end a string',
      text: `["\\"${'{'.repeat(5_000)}"]`,
      expected: undefined,
    },
    {
      title: 'siblings do not add up',
      text: `[${Array(2_000).fill('[[]]').join(',')}]`,
      expected: undefined,
    },
  ])('$title', ({ text, expected }) => {
    expect(findExcessiveNesting(text)).toBe(expected);
  });

  it('takes a limit of its own', () => {
    expect(findExcessiveNesting(nested(3), 2)).toBe(3);
    expect(MAX_JSON_NESTING_DEPTH).toBe(1_000);
  });
});
