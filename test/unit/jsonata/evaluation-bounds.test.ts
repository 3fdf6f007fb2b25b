import { describe, expect, it } from 'vitest';
import { awsFunctions } from '../../../shared/jsonata/aws-functions.ts';
import { compileExpression } from '../../../shared/jsonata/compiled-expression.ts';
import { QueryEvaluationError } from '../../../shared/jsonata/query-evaluation-error.ts';
import { LinearRegExp } from '../../../shared/lib/linear-regex.ts';

const site = { text: 'x', location: 'Output', field: 'Output' };
const evaluate = (text: string, variables: Record<string, unknown> = {}) =>
  compileExpression(text).evaluate(variables, site);

async function failure(text: string): Promise<QueryEvaluationError> {
  try {
    await evaluate(text);
  } catch (error) {
    if (error instanceof QueryEvaluationError) return error;
    throw error;
  }
  throw new Error(`'${text}' did not fail`);
}

describe('a JSONata evaluation is bounded in depth, work and memory (States.QueryEvaluationError)', () => {
  it.each([
    {
      title: 'a recursion deeper than 100 frames',
      text: '( $f := function($x){ 1 + $f($x) }; $f(0) )',
      message: 'Stack overflow error: Check for non-terminating recursive function',
    },
    {
      title: 'a string longer than the 256 KiB payload quota',
      text: '$length($string([1..100000]))',
      message: 'Expression evaluation memory limit exceeded: Check for excessive memory usage',
    },
    {
      title: 'a sequence longer than $range allows (360,145)',
      text: '$count([1..1000000])',
      message: 'Expression evaluation memory limit exceeded',
    },
    {
      title: 'a loop that copies a growing array (each element counts as work)',
      text: '$count($reduce([1..300000], function($a, $x){ $append($a, [$x, $x]) }, []))',
      message: 'Expression evaluation',
    },
    {
      title: 'a string doubled until it is huge',
      text: '( $f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f("ab", 30)) )',
      message: 'Expression evaluation memory limit exceeded',
    },
  ])('$title fails at once', async ({ text, message }) => {
    const began = performance.now();
    const error = await failure(text);
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.errorCause).toContain(message);
    expect(performance.now() - began).toBeLessThan(3_000);
  });

  it('what stays within the bounds evaluates as before', async () => {
    expect(await evaluate('$count([1..300000])')).toBe(300_000);
    expect(await evaluate('$length($join($map([1..1000], function($v){ $string($v) }), ","))')).toBe(3_892);
    expect(await evaluate('( $f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(10) )')).toBe(3_628_800);
  });

  it('a long evaluation lets the event loop turn: an immediate queued before it runs before it ends', async () => {
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const result = await evaluate('$sum($map([1..20000], function($v){ $v % 7 }))');
    expect(typeof result).toBe('number');
    expect(turned).toBe(true);
  });
});

describe('JSONata regular expressions run on RE2 (linear time)', () => {
  it.each([
    { text: '$contains($s, /(a+)+$/)', expected: false },
    { text: '$count($split($s, /(a|aa)+c/))', expected: 1 },
    { text: '$exists($match($s, /(a|a)+$/))', expected: false },
  ])('$text over 50,000 characters answers at once', async ({ text, expected }) => {
    const began = performance.now();
    expect(await evaluate(text, { s: `${'a'.repeat(50_000)}b` })).toBe(expected);
    expect(performance.now() - began).toBeLessThan(2_000);
  });

  it('keeps JSONata’s results: $match groups and indexes, $replace with groups, $split, flags', async () => {
    expect(await evaluate('$match("ab1cd22", /([a-z]+)(\\d+)/)')).toEqual([
      { match: 'ab1', index: 0, groups: ['ab', '1'] },
      { match: 'cd22', index: 3, groups: ['cd', '22'] },
    ]);
    expect(await evaluate('$replace("abcabc", /b(c)/, "[$1]")')).toBe('a[c]a[c]');
    expect(await evaluate('$split("a1b22c", /\\d+/)')).toEqual(['a', 'b', 'c']);
    expect(await evaluate('$contains("HELLO", /hel/i)')).toBe(true);
    expect(await evaluate('$match("é-x", /x/).index')).toBe(2);
  });

  it('a pattern RE2 cannot run (a back-reference) fails the state, it never falls back to backtracking', async () => {
    const error = await failure('$contains("aa", /(a)\\1/)');
    expect(error.error).toBe('States.QueryEvaluationError');
  });

  it('LinearRegExp behaves as RegExp#exec with lastIndex', () => {
    const regex = new LinearRegExp(/o(.)/g);
    const first = regex.exec('foo boz');
    expect(first?.[0]).toBe('oo');
    expect(first?.[1]).toBe('o');
    expect(first?.index).toBe(1);
    expect(regex.lastIndex).toBe(3);
    expect(regex.exec('foo boz')?.index).toBe(5);
    expect(regex.exec('foo boz')).toBeNull();
    expect(regex.lastIndex).toBe(0);
  });
});

describe('$parse refuses JSON nested past 1,000 levels (Jackson’s bound)', () => {
  const functions = awsFunctions({ random: () => 0.5, uuid: () => 'u' });

  it('fails the state with the nesting message; 1,000 levels parse', async () => {
    const deep = `${'['.repeat(1_001)}${']'.repeat(1_001)}`;
    await expect(evaluate('$parse($t)', { ...functions, t: deep })).rejects.toThrow(
      'Document nesting depth (1001) exceeds the maximum allowed (1000',
    );
    const fine = `[${'['.repeat(999)}${']'.repeat(999)}]`;
    expect(await evaluate('$count($parse($t))', { ...functions, t: fine })).toBe(1);
  });
});
