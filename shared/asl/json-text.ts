import type { Json, JsonObject } from '../lib/json.ts';
import { MAX_JSON_NESTING_DEPTH, nestingTooDeepMessage } from '../lib/json-depth.ts';

/**
 * A JSON reader for definition texts. `JSON.parse` keeps the last of two equal keys silently and
 * reports errors in V8's words; AWS reads definitions with Jackson, so this reader records every
 * repeated key (two states with one name in a `States` object are a DUPLICATE_STATE_NAME) and words
 * its errors the way Jackson does, with Jackson's `[Source: …; line: L, column: C]` location.
 */
export type JsonTextResult =
  | { ok: true; value: Json; duplicateKeys: DuplicateKey[] }
  | { ok: false; message: string; location: string };

/** A key that appears more than once in one object; `path` leads to that object. */
export interface DuplicateKey {
  path: ReadonlyArray<string | number>;
  key: string;
}

const EXPECTED_VALUE = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
/** Jackson cuts the quoted source after this many characters. */
const SOURCE_LIMIT = 500;

class JsonTextError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}

export function readJsonText(text: string): JsonTextResult {
  const reader = new Reader(text);
  try {
    reader.skipWhitespace();
    const value = reader.readValue([]);
    reader.skipWhitespace();
    if (reader.position < text.length) {
      throw reader.unexpectedCharacter('expected end of input');
    }
    return { ok: true, value, duplicateKeys: reader.duplicateKeys };
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    const location = describeLocation(text, error.position);
    return { ok: false, message: `${error.message}\n at ${location}`, location };
  }
}

/** Jackson's location: the quoted source (cut to 500 characters) and a 1-based line and column. */
function describeLocation(text: string, position: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  const column = position - lineStart + 1;
  const source =
    text.length > SOURCE_LIMIT
      ? `"${text.slice(0, SOURCE_LIMIT)}"[truncated ${text.length - SOURCE_LIMIT} chars]`
      : `"${text}"`;
  return `[Source: (String)${source}; line: ${line}, column: ${column}]`;
}

class Reader {
  position = 0;
  readonly duplicateKeys: DuplicateKey[] = [];
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  skipWhitespace(): void {
    while (this.position < this.text.length) {
      const ch = this.text[this.position];
      if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') return;
      this.position++;
    }
  }

  readValue(path: Array<string | number>): Json {
    const ch = this.text[this.position];
    if (ch === undefined) throw this.endOfInput('expected a value');
    if (ch === '{') return this.readObject(path);
    if (ch === '[') return this.readArray(path);
    if (ch === '"') return this.readString();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.readNumber();
    return this.readLiteral();
  }

  /** Past Jackson's nesting bound the definition is refused, as AWS's parser refuses it. */
  private checkDepth(path: readonly (string | number)[]): void {
    if (path.length >= MAX_JSON_NESTING_DEPTH) {
      throw new JsonTextError(nestingTooDeepMessage(path.length + 1), this.position);
    }
  }

  private readObject(path: Array<string | number>): JsonObject {
    this.checkDepth(path);
    const start = this.position;
    this.position++;
    const object: JsonObject = {};
    const seen = new Set<string>();
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position++;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      const ch = this.text[this.position];
      if (ch === undefined) throw this.endOfContainer('Object', start);
      if (ch !== '"') throw this.unexpectedCharacter('was expecting double-quote to start field name');
      const key = this.readString();
      this.skipWhitespace();
      if (this.text[this.position] === undefined) throw this.endOfContainer('Object', start);
      if (this.text[this.position] !== ':') {
        throw this.unexpectedCharacter('was expecting a colon to separate field name and value');
      }
      this.position++;
      this.skipWhitespace();
      if (this.text[this.position] === undefined) throw this.endOfContainer('Object', start);
      const value = this.readValue([...path, key]);
      if (seen.has(key)) this.duplicateKeys.push({ path: [...path], key });
      seen.add(key);
      // defineProperty: a `__proto__` key must become an own property, as JSON.parse makes it.
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const next = this.text[this.position];
      if (next === undefined) throw this.endOfContainer('Object', start);
      this.position++;
      if (next === '}') return object;
      if (next !== ',') {
        this.position--;
        throw this.unexpectedCharacter('was expecting comma to separate Object entries');
      }
    }
  }

  private readArray(path: Array<string | number>): Json[] {
    this.checkDepth(path);
    const start = this.position;
    this.position++;
    const array: Json[] = [];
    this.skipWhitespace();
    if (this.text[this.position] === ']') {
      this.position++;
      return array;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] === undefined) throw this.endOfContainer('Array', start);
      array.push(this.readValue([...path, array.length]));
      this.skipWhitespace();
      const next = this.text[this.position];
      if (next === undefined) throw this.endOfContainer('Array', start);
      this.position++;
      if (next === ']') return array;
      if (next !== ',') {
        this.position--;
        throw this.unexpectedCharacter('was expecting comma to separate Array entries');
      }
    }
  }

  private readString(): string {
    this.position++;
    let out = '';
    for (;;) {
      const ch = this.text[this.position];
      if (ch === undefined) throw this.endOfInput('was expecting closing quote for a string value');
      this.position++;
      if (ch === '"') return out;
      if (ch === '\\') {
        out += this.readEscape();
      } else if (ch < ' ') {
        throw new JsonTextError(
          `Illegal unquoted character ((CTRL-CHAR, code ${ch.charCodeAt(0)})): has to be escaped using backslash to be included in string value`,
          this.position,
        );
      } else {
        out += ch;
      }
    }
  }

  private readEscape(): string {
    const ch = this.text[this.position];
    if (ch === undefined) throw this.endOfInput('was expecting closing quote for a string value');
    this.position++;
    const simple = SIMPLE_ESCAPES[ch];
    if (simple !== undefined) return simple;
    if (ch === 'u') {
      const hex = this.text.slice(this.position, this.position + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new JsonTextError(
          'Unexpected character: expected a hex-digit for character escape sequence',
          this.position + 1,
        );
      }
      this.position += 4;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    throw new JsonTextError(
      `Unrecognized character escape '${ch}' (code ${ch.charCodeAt(0)})`,
      this.position,
    );
  }

  private readNumber(): number {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.position));
    const leadingZero = /^-?0\d/.test(this.text.slice(this.position, this.position + 3));
    if (leadingZero) {
      throw new JsonTextError('Invalid numeric value: Leading zeroes not allowed', this.position + 2);
    }
    if (!match || match[0] === '-') {
      this.position++;
      throw new JsonTextError(
        'Unexpected character: expected digit (0-9) to follow minus sign, for valid numeric value',
        this.position + 1,
      );
    }
    this.position += match[0].length;
    return Number(match[0]);
  }

  private readLiteral(): Json {
    const rest = this.text.slice(this.position);
    const word = /^[A-Za-z0-9_$.+-]+/.exec(rest)?.[0];
    if (word === undefined) {
      throw this.unexpectedCharacter(`expected a valid value ${EXPECTED_VALUE}`);
    }
    this.position += word.length;
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    throw new JsonTextError(`Unrecognized token '${word}': was expecting ${EXPECTED_VALUE}`, this.position);
  }

  /** Jackson reports the column after the offending character. */
  unexpectedCharacter(expectation: string): JsonTextError {
    const ch = this.text[this.position] ?? '';
    return new JsonTextError(
      `Unexpected character ('${ch}' (code ${ch.charCodeAt(0)})): ${expectation}`,
      this.position + 1,
    );
  }

  private endOfInput(expectation: string): JsonTextError {
    return new JsonTextError(`Unexpected end-of-input: ${expectation}`, this.text.length);
  }

  private endOfContainer(kind: 'Object' | 'Array', start: number): JsonTextError {
    return new JsonTextError(
      `Unexpected end-of-input: expected close marker for ${kind} (start marker at ${describeLocation(this.text, start)})`,
      this.text.length,
    );
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
