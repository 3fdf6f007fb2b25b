import { RE2JS } from 're2js';

/**
 * Regular expressions written in a definition (a JSONPath filter's `=~`, JSONata's `/…/` in `$match`,
 * `$replace`, `$contains`, `$split`) run on RE2 (re2js, Google's RE2 ported to JavaScript), never on
 * V8's backtracking engine: RE2 matches in time linear in the subject, so a pattern such as `(a+)+$`
 * cannot hold the event loop (on V8 it doubles its time with each character). re2js is pure
 * JavaScript (no native build, so it installs everywhere Statefold does), maintained, and keeps V8's
 * UTF-16 indexes. What RE2 leaves out (back-references, look-around) is refused when the pattern is compiled.
 */
/** A compiled pattern. */
export type LinearPattern = RE2JS;

export class LinearRegexError extends Error {
  override name = 'LinearRegexError';
}

const FLAGS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

const compiled = new Map<string, RE2JS>();
const CACHE_LIMIT = 1_000;

/** The compiled pattern (cached); throws LinearRegexError when RE2 cannot read it or a flag is unknown. */
export function compileLinearRegex(source: string, flags = ''): RE2JS {
  const key = `${flags}/${source}`;
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  let bits = 0;
  for (const flag of flags) {
    const bit = FLAGS[flag];
    if (bit === undefined) throw new LinearRegexError(`unsupported regular expression flag '${flag}'`);
    bits |= bit;
  }
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(source, bits);
  } catch (error) {
    throw new LinearRegexError(error instanceof Error ? error.message : String(error));
  }
  if (compiled.size >= CACHE_LIMIT) compiled.clear();
  compiled.set(key, pattern);
  return pattern;
}

/** True when the whole of `subject` matches (Java's `Matcher.matches()`, what Jayway's `=~` uses). */
export function matchesWhole(pattern: RE2JS, subject: string): boolean {
  return pattern.matcher(subject).matches();
}

/**
 * The part of RegExp that JSONata's regex functions use (`lastIndex`, `exec`), over RE2: passed to
 * jsonata as its `RegexEngine`. JSONata builds it from the RegExp its parser made (never executed).
 */
export class LinearRegExp {
  lastIndex = 0;
  readonly #pattern: RE2JS;
  readonly #groups: number;

  constructor(regex: RegExp | string, flags?: string) {
    const source = typeof regex === 'string' ? regex : regex.source;
    const given = typeof regex === 'string' ? (flags ?? '') : regex.flags;
    // JSONata adds `g` to every regex; RE2 has no such flag (every search here starts at lastIndex).
    this.#pattern = compileLinearRegex(source, given.replace(/[gy]/g, ''));
    this.#groups = this.#pattern.groupCount();
  }

  exec(subject: string): RegExpExecArray | null {
    const matcher = this.#pattern.matcher(subject);
    if (this.lastIndex > subject.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const start = matcher.start();
    const end = matcher.end();
    const result = [subject.slice(start, end)] as unknown as RegExpExecArray;
    for (let group = 1; group <= this.#groups; group++) {
      const text = matcher.group(group);
      result.push(text === null ? (undefined as unknown as string) : text);
    }
    result.index = start;
    result.input = subject;
    this.lastIndex = end;
    return result;
  }
}
