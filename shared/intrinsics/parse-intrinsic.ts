import { compilePath, PathSyntaxError } from '../jsonpath/paths.ts';
import { type IntrinsicArg, type IntrinsicCall, IntrinsicSyntaxError } from './intrinsic-call.ts';
import { arityOf, findIntrinsicFunction } from './intrinsic-functions.ts';

/** "You can nest up to 10 intrinsic functions within a field" (developer guide): a call depth of 10. */
const MAX_NESTING = 10;
const FUNCTION_PREFIX = 'States.';
/** The characters a backslash may escape in a string literal (developer guide, reserved characters). */
const ESCAPABLE = new Set(["'", '{', '}', '\\']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z0-9_]+/y;
const KEYWORDS: ReadonlyArray<[string, IntrinsicArg]> = [
  ['true', { kind: 'boolean', value: true }],
  ['false', { kind: 'boolean', value: false }],
  ['null', { kind: 'null' }],
];

/** True when a `.$` value (or a Fail ErrorPath/CausePath) is an intrinsic call rather than a path. */
export function isIntrinsicCall(text: string): boolean {
  return typeof text === 'string' && text.startsWith(FUNCTION_PREFIX);
}

const cache = new Map<string, IntrinsicCall | IntrinsicSyntaxError>();
const MAX_CACHED = 10_000;

/**
 * Parses an intrinsic call once (cached by text). Throws IntrinsicSyntaxError, naming the position,
 * on bad syntax, an unknown function, a wrong number of arguments, or nesting deeper than 10.
 */
export function parseIntrinsic(text: string): IntrinsicCall {
  let parsed = cache.get(text);
  if (!parsed) {
    try {
      parsed = new Parser(text).parseWhole();
    } catch (error) {
      if (!(error instanceof IntrinsicSyntaxError)) throw error;
      parsed = error;
    }
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(text, parsed);
  }
  if (parsed instanceof IntrinsicSyntaxError) throw parsed;
  return parsed;
}

/** The problems with an intrinsic call, for the definition validator: empty when it is fine. */
export function checkIntrinsic(text: string): string[] {
  try {
    parseIntrinsic(text);
    return [];
  } catch (error) {
    if (error instanceof IntrinsicSyntaxError) return [error.message];
    throw error;
  }
}

class Parser {
  private readonly text: string;
  private pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  parseWhole(): IntrinsicCall {
    this.skipSpace();
    if (!this.text.startsWith(FUNCTION_PREFIX, this.pos)) {
      throw this.error(`an intrinsic call must start with '${FUNCTION_PREFIX}'`);
    }
    const call = this.parseCall(1);
    this.skipSpace();
    if (this.pos < this.text.length) throw this.error(`unexpected '${this.peek()}' after the call`);
    return call;
  }

  private parseCall(depth: number): IntrinsicCall {
    const start = this.pos;
    if (depth > MAX_NESTING) throw this.error(`intrinsic calls are nested more than ${MAX_NESTING} deep`);
    this.pos += FUNCTION_PREFIX.length;
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.text);
    const name = `${FUNCTION_PREFIX}${match?.[0] ?? ''}`;
    const fn = findIntrinsicFunction(name);
    if (!fn) throw this.error(`unknown intrinsic function '${name}'`, start);
    this.pos = NAME.lastIndex;
    this.skipSpace();
    this.expect('(');
    const args = this.parseArgs(depth);
    const [min, max] = arityOf(fn);
    if (args.length < min || args.length > max) {
      throw this.error(`${name} takes ${describeArity(min, max)}, got ${args.length}`, start);
    }
    return { name, args };
  }

  private parseArgs(depth: number): IntrinsicArg[] {
    const args: IntrinsicArg[] = [];
    this.skipSpace();
    if (this.peek() === ')') {
      this.pos++;
      return args;
    }
    for (;;) {
      this.skipSpace();
      args.push(this.parseArg(depth));
      this.skipSpace();
      const next = this.peek();
      this.pos++;
      if (next === ')') return args;
      if (next !== ',') {
        this.pos--;
        throw this.error(next === undefined ? "missing ')'" : `expected ',' or ')' but found '${next}'`);
      }
    }
  }

  private parseArg(depth: number): IntrinsicArg {
    const ch = this.peek();
    if (ch === undefined) throw this.error('missing argument');
    if (ch === "'") return this.parseString();
    if (ch === '$') return this.parsePath();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.parseNumber();
    if (this.text.startsWith(FUNCTION_PREFIX, this.pos))
      return { kind: 'call', call: this.parseCall(depth + 1) };
    for (const [word, arg] of KEYWORDS) {
      if (this.text.startsWith(word, this.pos) && this.isTokenEnd(this.pos + word.length)) {
        this.pos += word.length;
        return arg;
      }
    }
    if (ch === ',' || ch === ')') throw this.error('missing argument');
    throw this.error(`unexpected '${ch}'`);
  }

  /** `'…'` with `\'`, `\{`, `\}` and `\\` escapes; any other backslash is an error. */
  private parseString(): IntrinsicArg {
    const open = this.pos++;
    let value = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos] as string;
      if (ch === "'") {
        const raw = this.text.slice(open + 1, this.pos);
        this.pos++;
        return { kind: 'string', value, raw };
      }
      if (ch === '\\') {
        const escaped = this.text[this.pos + 1];
        if (escaped === undefined || !ESCAPABLE.has(escaped)) {
          throw this.error(
            escaped === undefined
              ? 'dangling backslash at the end of the text'
              : `dangling backslash before '${escaped}' (only \\', \\{, \\} and \\\\ are escapes)`,
          );
        }
        value += escaped;
        this.pos += 2;
      } else {
        value += ch;
        this.pos++;
      }
    }
    throw this.error('unterminated string literal', open);
  }

  private parseNumber(): IntrinsicArg {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match || !this.isTokenEnd(NUMBER.lastIndex)) throw this.error('malformed number');
    this.pos = NUMBER.lastIndex;
    return { kind: 'number', value: Number(match[0]) };
  }

  /** A path runs to the first `,`, `)` or space outside brackets and quotes. */
  private parsePath(): IntrinsicArg {
    const start = this.pos;
    let depth = 0;
    let quote: string | undefined;
    for (; this.pos < this.text.length; this.pos++) {
      const ch = this.text[this.pos] as string;
      if (quote) {
        if (ch === '\\') this.pos++;
        else if (ch === quote) quote = undefined;
      } else if (depth > 0 && (ch === "'" || ch === '"')) {
        quote = ch;
      } else if (ch === '[') {
        depth++;
      } else if (ch === ']') {
        depth--;
      } else if (depth === 0 && (ch === ',' || ch === ')' || /\s/.test(ch))) {
        break;
      }
    }
    const path = this.text.slice(start, this.pos);
    try {
      compilePath(path);
    } catch (error) {
      if (error instanceof PathSyntaxError)
        throw this.error(`invalid path '${path}': ${error.message}`, start);
      throw error;
    }
    return { kind: 'path', path };
  }

  private isTokenEnd(index: number): boolean {
    const ch = this.text[index];
    return ch === undefined || ch === ',' || ch === ')' || /\s/.test(ch);
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) {
      const found = this.peek();
      throw this.error(`expected '${ch}' but found ${found === undefined ? 'the end' : `'${found}'`}`);
    }
    this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  private error(reason: string, at = this.pos): IntrinsicSyntaxError {
    return new IntrinsicSyntaxError(
      `Invalid intrinsic function call '${this.text}': ${reason} at position ${at + 1}`,
      at + 1,
    );
  }
}

function describeArity(min: number, max: number): string {
  const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  if (max === Number.POSITIVE_INFINITY) return `at least ${plural(min)}`;
  if (min === max) return `exactly ${plural(min)}`;
  return `${min} to ${max} arguments`;
}
