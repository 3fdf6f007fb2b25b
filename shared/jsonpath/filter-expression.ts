import { isJsonObject, type Json, jsonEquals } from '../lib/json.ts';
import {
  compileLinearRegex,
  type LinearPattern,
  LinearRegexError,
  matchesWhole,
} from '../lib/linear-regex.ts';

/**
 * A JSONPath filter (`[?( … )]`) as Jayway reads it, parsed and evaluated here: relative (`@…`) and
 * absolute (`$…`) definite paths, literals (strings, numbers, true/false/null, arrays of literals,
 * `/regex/flags`), the comparisons `==`, `!=`, `===`, `!==`, `<`, `<=`, `>`, `>=`, `=~`, `in`, `nin`,
 * `subsetof`, `anyof`, `noneof`, `size`, `empty`, `&&`, `||`, `!` and parentheses; a path alone tests that
 * the member exists (Jayway's EXISTS). Nothing in a filter is ever handed to a script engine: a method
 * call, a property of a prototype or arithmetic is refused when the definition is validated.
 * A bare word (`@.k == FooBar`) parses, as AWS accepts it at creation, and fails the state that reads it.
 */
export type FilterSegment = { kind: 'name'; name: string } | { kind: 'index'; index: number };

export type Operand =
  | { kind: 'path'; relative: boolean; segments: FilterSegment[] }
  | { kind: 'literal'; value: Json }
  | { kind: 'regex'; source: string; flags: string; pattern: LinearPattern }
  | { kind: 'word'; word: string };

export type ComparisonOperator =
  | '=='
  | '!='
  | '==='
  | '!=='
  | '<'
  | '<='
  | '>'
  | '>='
  | '=~'
  | 'in'
  | 'nin'
  | 'subsetof'
  | 'anyof'
  | 'noneof'
  | 'size'
  | 'empty';

export type FilterExpression =
  | { kind: 'or' | 'and'; left: FilterExpression; right: FilterExpression }
  | { kind: 'not'; operand: FilterExpression }
  | { kind: 'compare'; operator: ComparisonOperator; left: Operand; right: Operand }
  | { kind: 'exists'; operand: Operand };

/** A filter Jayway cannot read: the message says where. */
export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';
}

/** A filter that parses but cannot be evaluated (a bare word): the state fails with States.Runtime. */
export class FilterEvaluationError extends Error {
  override name = 'FilterEvaluationError';
}

const WORD_OPERATORS = new Set(['in', 'nin', 'subsetof', 'anyof', 'noneof', 'size', 'empty']);
const SYMBOL_OPERATORS = ['===', '!==', '==', '!=', '<=', '>=', '=~', '<', '>'] as const;
/** Members no JSON document has: reading them would reach JavaScript's objects, not the data. */
const FORBIDDEN_MEMBERS = new Set(['constructor', '__proto__', 'prototype']);

type Token =
  | { type: 'string' | 'number' | 'word' | 'symbol' | 'path'; text: string; at: number }
  | { type: 'regex'; text: string; source: string; flags: string; at: number };

const TOKEN =
  /\s+|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[@$](?:\.[^\s.[\]()=!<>&|,~]+|\[\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+)\s*\])*|[A-Za-z_]\w*|===|!==|==|!=|<=|>=|=~|&&|\|\||[<>!()[\],]/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    if (text[at] === '/' && expectsOperand(tokens)) {
      const regex = /\/((?:[^/\\]|\\.)+)\/([a-z]*)/y;
      regex.lastIndex = at;
      const match = regex.exec(text);
      if (!match) throw new FilterSyntaxError(`an unclosed regular expression at '${text.slice(at)}'`);
      tokens.push({ type: 'regex', text: match[0], source: match[1] ?? '', flags: match[2] ?? '', at });
      at = regex.lastIndex;
      continue;
    }
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (!match || match[0] === '') throw new FilterSyntaxError(`JSONPath cannot read '${text.slice(at)}'`);
    const token = match[0];
    if (!/^\s/.test(token)) tokens.push({ type: classify(token), text: token, at });
    at = TOKEN.lastIndex;
  }
  return tokens;
}

function classify(token: string): Exclude<Token['type'], 'regex'> {
  const first = token[0] as string;
  if (first === "'" || first === '"') return 'string';
  if (first === '@' || first === '$') return 'path';
  if (/[-\d]/.test(first)) return 'number';
  if (/[A-Za-z_]/.test(first)) return 'word';
  return 'symbol';
}

function expectsOperand(tokens: readonly Token[]): boolean {
  const last = tokens.at(-1);
  return last === undefined || (last.type === 'symbol' && last.text !== ')' && last.text !== ']');
}

/** Parses the text between `[?(` and `)]`; throws FilterSyntaxError. (compilePath caches the whole path.) */
export function parseFilter(text: string): FilterExpression {
  const parser = new Parser(tokenize(text), text);
  const expression = parser.parseOr();
  parser.expectEnd();
  return expression;
}

class Parser {
  private position = 0;
  private readonly tokens: readonly Token[];
  private readonly text: string;

  constructor(tokens: readonly Token[], text: string) {
    this.tokens = tokens;
    this.text = text;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position++];
    if (token === undefined) throw new FilterSyntaxError(`'${this.text}' ends too early`);
    return token;
  }

  private isSymbol(text: string): boolean {
    const token = this.peek();
    return token !== undefined && token.type === 'symbol' && token.text === text;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token !== undefined) {
      throw new FilterSyntaxError(`JSONPath cannot read '${this.text.slice(token.at)}' in a filter`);
    }
  }

  parseOr(): FilterExpression {
    let left = this.parseAnd();
    while (this.isSymbol('||')) {
      this.position++;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterExpression {
    let left = this.parseUnary();
    while (this.isSymbol('&&')) {
      this.position++;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterExpression {
    if (this.isSymbol('!')) {
      this.position++;
      return { kind: 'not', operand: this.parseUnary() };
    }
    if (this.isSymbol('(')) {
      this.position++;
      const inner = this.parseOr();
      if (!this.isSymbol(')')) throw new FilterSyntaxError(`'${this.text}' leaves a parenthesis open`);
      this.position++;
      return inner;
    }
    const left = this.parseOperand();
    const token = this.peek();
    const operator = token === undefined ? undefined : comparisonOperator(token);
    if (operator === undefined) {
      if (token?.type === 'symbol' && token.text === '(') {
        throw new FilterSyntaxError(`'${this.text}' calls a function in a filter: filters compare values`);
      }
      return { kind: 'exists', operand: left };
    }
    this.position++;
    return { kind: 'compare', operator, left, right: this.parseOperand() };
  }

  private parseOperand(): Operand {
    const token = this.next();
    switch (token.type) {
      case 'path':
        return parseFilterPath(token.text, this.text);
      case 'string':
        return { kind: 'literal', value: unquote(token.text) };
      case 'number':
        return { kind: 'literal', value: Number(token.text) };
      case 'regex': {
        try {
          const pattern = compileLinearRegex(token.source, token.flags);
          return { kind: 'regex', source: token.source, flags: token.flags, pattern };
        } catch (error) {
          const reason = error instanceof LinearRegexError ? error.message : String(error);
          throw new FilterSyntaxError(`'${this.text}' has a regular expression RE2 cannot read: ${reason}`);
        }
      }
      case 'word': {
        if (token.text === 'true') return { kind: 'literal', value: true };
        if (token.text === 'false') return { kind: 'literal', value: false };
        if (token.text === 'null') return { kind: 'literal', value: null };
        if (WORD_OPERATORS.has(token.text) || FORBIDDEN_MEMBERS.has(token.text)) {
          throw new FilterSyntaxError(`'${this.text}' has '${token.text}' where a value belongs`);
        }
        if (this.isSymbol('(')) {
          throw new FilterSyntaxError(
            `'${this.text}' calls a function in a filter ('${token.text}(…)'): filters compare values`,
          );
        }
        return { kind: 'word', word: token.text };
      }
      case 'symbol':
        if (token.text === '[') return { kind: 'literal', value: this.parseArrayLiteral() };
        throw new FilterSyntaxError(`'${this.text}' has '${token.text}' where a value belongs`);
    }
  }

  private parseArrayLiteral(): Json[] {
    const items: Json[] = [];
    if (this.isSymbol(']')) {
      this.position++;
      return items;
    }
    for (;;) {
      const operand = this.parseOperand();
      if (operand.kind !== 'literal') {
        throw new FilterSyntaxError(`'${this.text}' has an array whose members are not all literals`);
      }
      items.push(operand.value);
      if (this.isSymbol(',')) {
        this.position++;
        continue;
      }
      if (this.isSymbol(']')) {
        this.position++;
        return items;
      }
      throw new FilterSyntaxError(`'${this.text}' has an unclosed array`);
    }
  }
}

function comparisonOperator(token: Token): ComparisonOperator | undefined {
  if (token.type === 'word' && WORD_OPERATORS.has(token.text)) return token.text as ComparisonOperator;
  if (token.type === 'symbol' && (SYMBOL_OPERATORS as readonly string[]).includes(token.text)) {
    return token.text as ComparisonOperator;
  }
  return undefined;
}

function unquote(text: string): string {
  return text.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** `@`, `@.a.b`, `@['a b'][0]`, `$.x`: definite paths only, as Jayway's filters use them. */
function parseFilterPath(text: string, filter: string): Operand {
  const segments: FilterSegment[] = [];
  const part = /\.([^\s.[\]()]+)|\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+))\s*\]/y;
  part.lastIndex = 1;
  while (part.lastIndex < text.length) {
    const match = part.exec(text);
    if (!match) throw new FilterSyntaxError(`'${filter}' has a path JSONPath cannot read: '${text}'`);
    if (match[4] !== undefined) {
      segments.push({ kind: 'index', index: Number(match[4]) });
      continue;
    }
    const dotted = match[1];
    const name = dotted ?? unquote(`'${match[2] ?? match[3] ?? ''}'`);
    if (dotted !== undefined && !/^[\p{L}\p{N}_$-]+$/u.test(dotted)) {
      throw new FilterSyntaxError(`'${filter}' has a path JSONPath cannot read: '${text}'`);
    }
    if (FORBIDDEN_MEMBERS.has(name)) {
      throw new FilterSyntaxError(`'${filter}' reads '${name}' in a filter: not a JSON member`);
    }
    segments.push({ kind: 'name', name });
  }
  return { kind: 'path', relative: text[0] === '@', segments };
}

const MISSING: unique symbol = Symbol('missing');
type Value = Json | typeof MISSING;

/** True when `node` passes the filter; `root` is what `$` names inside it. */
export function testFilter(expression: FilterExpression, node: Json, root: Json): boolean {
  switch (expression.kind) {
    case 'or':
      return testFilter(expression.left, node, root) || testFilter(expression.right, node, root);
    case 'and':
      return testFilter(expression.left, node, root) && testFilter(expression.right, node, root);
    case 'not':
      return !testFilter(expression.operand, node, root);
    case 'exists': {
      const value = operandValue(expression.operand, node, root);
      if (expression.operand.kind === 'path') return value !== MISSING;
      return value === true;
    }
    case 'compare':
      return compare(expression, node, root);
  }
}

function operandValue(operand: Operand, node: Json, root: Json): Value {
  switch (operand.kind) {
    case 'literal':
      return operand.value;
    case 'regex':
      return `/${operand.source}/${operand.flags}`;
    case 'word':
      throw new FilterEvaluationError(`'${operand.word}' is neither a path, a string nor a number`);
    case 'path': {
      let current: Json = operand.relative ? node : root;
      for (const segment of operand.segments) {
        if (segment.kind === 'name') {
          if (!isJsonObject(current) || !Object.hasOwn(current, segment.name)) return MISSING;
          current = current[segment.name] as Json;
        } else {
          if (!Array.isArray(current)) return MISSING;
          const index = segment.index < 0 ? current.length + segment.index : segment.index;
          if (index < 0 || index >= current.length) return MISSING;
          current = current[index] as Json;
        }
      }
      return current;
    }
  }
}

function compare(
  expression: Extract<FilterExpression, { kind: 'compare' }>,
  node: Json,
  root: Json,
): boolean {
  const left = operandValue(expression.left, node, root);
  if (expression.operator === '=~') {
    if (expression.right.kind !== 'regex') {
      throw new FilterEvaluationError("the right side of '=~' must be a regular expression /…/");
    }
    return typeof left === 'string' && matchesWhole(expression.right.pattern, left);
  }
  const right = operandValue(expression.right, node, root);
  switch (expression.operator) {
    case '==':
      return left !== MISSING && right !== MISSING && looselyEqual(left, right);
    case '!=':
      return !(left !== MISSING && right !== MISSING && looselyEqual(left, right));
    case '===':
      return left !== MISSING && right !== MISSING && jsonEquals(left, right);
    case '!==':
      return !(left !== MISSING && right !== MISSING && jsonEquals(left, right));
    case '<':
    case '<=':
    case '>':
    case '>=':
      return ordered(expression.operator, left, right);
    case 'in':
      return left !== MISSING && Array.isArray(right) && right.some((item) => looselyEqual(left, item));
    case 'nin':
      return left !== MISSING && Array.isArray(right) && !right.some((item) => looselyEqual(left, item));
    case 'subsetof':
      return (
        Array.isArray(left) &&
        Array.isArray(right) &&
        left.every((item) => right.some((other) => looselyEqual(item, other)))
      );
    case 'anyof':
      return (
        Array.isArray(left) &&
        Array.isArray(right) &&
        left.some((item) => right.some((other) => looselyEqual(item, other)))
      );
    case 'noneof':
      return (
        Array.isArray(left) &&
        Array.isArray(right) &&
        !left.some((item) => right.some((other) => looselyEqual(item, other)))
      );
    case 'size':
      return (typeof left === 'string' || Array.isArray(left)) && left.length === right;
    case 'empty':
      return (typeof left === 'string' || Array.isArray(left)) && (left.length === 0) === right;
  }
}

/** Jayway compares a number with a numeric string as numbers; anything else by JSON value. */
function looselyEqual(left: Json, right: Json): boolean {
  if (typeof left === 'number' && typeof right === 'string')
    return right.trim() !== '' && Number(right) === left;
  if (typeof left === 'string' && typeof right === 'number')
    return left.trim() !== '' && Number(left) === right;
  return jsonEquals(left, right);
}

/** Numbers with numbers, strings with strings (Jayway); anything else does not compare. */
function ordered(operator: '<' | '<=' | '>' | '>=', left: Value, right: Value): boolean {
  let order: number;
  if (typeof left === 'number' && typeof right === 'number') order = left - right;
  else if (typeof left === 'string' && typeof right === 'string')
    order = left < right ? -1 : left > right ? 1 : 0;
  else return false;
  switch (operator) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}
