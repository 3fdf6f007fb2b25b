import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { isJsonObject, type Json, type JsonObject, jsonEquals } from '../lib/json.ts';
import { findExcessiveNesting } from '../lib/json-depth.ts';
import { fillTemplate, parseLiteralTemplate, parseValueTemplate } from './format-template.ts';
import type { IntrinsicCall } from './intrinsic-call.ts';
import { invalidArguments } from './intrinsic-failure.ts';
import { randomFromSeed } from './seeded-random.ts';
import { renderFormatValue, serializeJson } from './value-text.ts';

/** Where randomness comes from: the core stays pure, so the caller supplies (and records) it. */
export interface IntrinsicEnv {
  /** A number in [0, 1). */
  random(): number;
  uuid(): string;
}

export type ArgType = 'any' | 'string' | 'number' | 'boolean' | 'array' | 'object';

export interface CallContext {
  call: IntrinsicCall;
  env: IntrinsicEnv;
}

/** One function: the types of its arguments (which also give its arity) and what it computes. */
export interface IntrinsicFunction {
  /** Required arguments, in order. */
  params: readonly ArgType[];
  /** Arguments that may follow the required ones. */
  optional?: readonly ArgType[];
  /** Any number of further arguments, all of this type. */
  rest?: ArgType;
  /** Runs with arguments already checked against the types above. */
  implement(args: readonly Json[], context: CallContext): Json;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** AWS quotas on intrinsic inputs and outputs (developer guide, intrinsic-functions page). */
const MAX_RANGE_ITEMS = 1000;
const MAX_INPUT_CHARS = 10_000;

const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/**
 * The 18 functions. Rounding follows AWS, not the guide's "rounded to the nearest integer":
 * States.MathAdd rounds half up (Java Math.round; LocalStack AWS snapshot test_math_add: 1.5 → 2,
 * -1.5 → -1, -2.5 → -2), while ArrayPartition, ArrayRange, ArrayGetItem and MathRandom truncate
 * (AWS observations in a public conformance suite: ArrayRange(1.6, 1.4, 1) = [1], ArrayPartition
 * chunk 2.6 acts as 2, 0.6 fails, ArrayGetItem index 1.2 acts as 1, MathRandom(1.4, 1.6) fails).
 */
export const INTRINSIC_FUNCTIONS: Readonly<Record<string, IntrinsicFunction>> = {
  'States.Format': {
    params: ['string'],
    rest: 'any',
    implement: ([template, ...values], { call }) => {
      const first = call.args[0];
      const parts =
        first?.kind === 'string'
          ? parseLiteralTemplate(first.raw ?? first.value)
          : parseValueTemplate(template as string);
      const text = parts && fillTemplate(parts, values.map(renderFormatValue));
      if (text === undefined) throw invalidArguments('States.Format');
      return text;
    },
  },
  'States.StringToJson': {
    params: ['string'],
    implement: ([text]) => {
      // AWS returns null for an empty or blank string (LocalStack snapshot test_string_to_json).
      if ((text as string).trim() === '') return null;
      // JSON nested past Jackson's bound (AWS's parser) would overflow the engine's recursive walks later.
      if (findExcessiveNesting(text as string) !== undefined) throw invalidArguments('States.StringToJson');
      try {
        return JSON.parse(text as string) as Json;
      } catch {
        throw invalidArguments('States.StringToJson');
      }
    },
  },
  'States.JsonToString': {
    params: ['any'],
    implement: ([value]) => serializeJson(value as Json),
  },
  'States.Array': {
    params: [],
    rest: 'any',
    implement: (args) => [...args],
  },
  'States.ArrayPartition': {
    params: ['array', 'number'],
    implement: ([array, size]) => {
      const items = array as Json[];
      const chunk = Math.trunc(size as number);
      if (chunk < 1) throw invalidArguments('States.ArrayPartition');
      const chunks: Json[] = [];
      for (let i = 0; i < items.length; i += chunk) chunks.push(items.slice(i, i + chunk));
      return chunks;
    },
  },
  'States.ArrayContains': {
    params: ['array', 'any'],
    implement: ([array, value]) => (array as Json[]).some((item) => jsonEquals(item, value as Json)),
  },
  'States.ArrayRange': {
    params: ['number', 'number', 'number'],
    implement: (args) => {
      const [start, end, step] = args.map((arg) => Math.trunc(arg as number)) as [number, number, number];
      if (step === 0) throw invalidArguments('States.ArrayRange');
      const span = (end - start) / step;
      const count = span < 0 ? 0 : Math.floor(span) + 1;
      if (count > MAX_RANGE_ITEMS) throw invalidArguments('States.ArrayRange');
      return Array.from({ length: count }, (_, i) => start + i * step);
    },
  },
  'States.ArrayGetItem': {
    params: ['array', 'number'],
    implement: ([array, index]) => {
      const items = array as Json[];
      // Observed on AWS (public conformance suite): any index into an empty array gives null.
      if (items.length === 0) return null;
      const position = Math.trunc(index as number);
      if (position < 0 || position >= items.length) throw invalidArguments('States.ArrayGetItem');
      return items[position] as Json;
    },
  },
  'States.ArrayLength': {
    params: ['array'],
    implement: ([array]) => (array as Json[]).length,
  },
  'States.ArrayUnique': {
    params: ['array'],
    implement: ([array]) => {
      const unique: Json[] = [];
      for (const item of array as Json[]) {
        if (!unique.some((kept) => jsonEquals(kept, item))) unique.push(item);
      }
      return unique;
    },
  },
  'States.Base64Encode': {
    params: ['string'],
    implement: ([text]) => {
      if ((text as string).length > MAX_INPUT_CHARS) throw invalidArguments('States.Base64Encode');
      return Buffer.from(text as string, 'utf8').toString('base64');
    },
  },
  'States.Base64Decode': {
    params: ['string'],
    implement: ([text]) => {
      if ((text as string).length > MAX_INPUT_CHARS) throw invalidArguments('States.Base64Decode');
      // Lenient like AWS, which decodes malformed input rather than failing (public conformance suite).
      return Buffer.from(text as string, 'base64').toString('utf8');
    },
  },
  'States.Hash': {
    params: ['any', 'string'],
    implement: ([data, algorithm]) => {
      // AWS hashes a non-string value by its text rather than failing (public conformance suite).
      const text = typeof data === 'string' ? data : serializeJson(data as Json);
      const digest = HASH_ALGORITHMS[algorithm as string];
      if (text.length > MAX_INPUT_CHARS || digest === undefined) throw invalidArguments('States.Hash');
      return createHash(digest).update(text, 'utf8').digest('hex');
    },
  },
  'States.JsonMerge': {
    params: ['object', 'object', 'boolean'],
    implement: ([first, second, deep]) => {
      // AWS only merges shallowly: `true` for the deep flag is rejected (developer guide).
      if (deep !== false) throw invalidArguments('States.JsonMerge');
      return { ...(first as JsonObject), ...(second as JsonObject) };
    },
  },
  'States.MathRandom': {
    params: ['number', 'number'],
    optional: ['number'],
    implement: ([low, high, seed], { env }) => {
      const start = Math.trunc(low as number);
      const end = Math.trunc(high as number);
      if (!isInt32(start) || !isInt32(end) || start >= end) throw invalidArguments('States.MathRandom');
      const fraction = seed === undefined ? env.random() : randomFromSeed(Math.trunc(seed as number));
      return Math.min(end - 1, start + Math.floor(fraction * (end - start)));
    },
  },
  'States.MathAdd': {
    params: ['number', 'number'],
    implement: ([a, b]) => {
      const left = Math.round(a as number);
      const right = Math.round(b as number);
      const sum = left + right + 0;
      if (!isInt32(left) || !isInt32(right) || !isInt32(sum)) throw invalidArguments('States.MathAdd');
      return sum;
    },
  },
  'States.StringSplit': {
    params: ['string', 'string'],
    implement: ([text, delimiters]) => splitOnAny(text as string, delimiters as string),
  },
  'States.UUID': {
    params: [],
    implement: (_args, { env }) => env.uuid(),
  },
};

export function findIntrinsicFunction(name: string): IntrinsicFunction | undefined {
  return Object.hasOwn(INTRINSIC_FUNCTIONS, name) ? INTRINSIC_FUNCTIONS[name] : undefined;
}

/** How many arguments a function takes: [min, max] (max is Infinity for a rest parameter). */
export function arityOf(fn: IntrinsicFunction): [number, number] {
  const min = fn.params.length;
  return [min, fn.rest ? Number.POSITIVE_INFINITY : min + (fn.optional?.length ?? 0)];
}

/** The type rule for the argument at `index`, or undefined past the last one. */
export function argTypeAt(fn: IntrinsicFunction, index: number): ArgType | undefined {
  if (index < fn.params.length) return fn.params[index];
  const optional = fn.optional ?? [];
  if (index < fn.params.length + optional.length) return optional[index - fn.params.length];
  return fn.rest;
}

export function matchesArgType(value: Json, type: ArgType): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'string':
    case 'number':
    case 'boolean':
      return typeof value === type;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isJsonObject(value);
  }
}

function isInt32(value: number): boolean {
  return value >= INT32_MIN && value <= INT32_MAX;
}

/**
 * Splits on every character of `delimiters` and drops empty pieces, as Java's StringTokenizer does:
 * AWS gives `[]` for ",,,," and `[" ", " "]` for ", , ," (LocalStack snapshot test_string_split).
 */
function splitOnAny(text: string, delimiters: string): string[] {
  const separators = new Set(delimiters);
  const pieces: string[] = [];
  let piece = '';
  for (const char of text) {
    if (separators.has(char)) {
      if (piece !== '') pieces.push(piece);
      piece = '';
    } else {
      piece += char;
    }
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}
