import { createHash } from 'node:crypto';
import { findExcessiveNesting, nestingTooDeepMessage } from '../lib/json-depth.ts';
import { MAX_SEQUENCE_ELEMENTS, MEMORY_LIMIT_MESSAGE } from './evaluation-limits.ts';
import { javaRandomDouble } from './java-random.ts';

/**
 * The JSONata functions Step Functions adds (AWS guide, "Transforming data with JSONata": $partition,
 * $range, $hash, $random, $uuid, $parse). AWS documents their purpose only; the argument checks, the
 * undefined results and the error texts below follow Floci's tests, which state each was measured against
 * AWS through TestState. They are plain functions taking `...args` so that JSONata's higher-order
 * functions pass them the value alone (`$map(texts, $parse)`) and a surplus argument can still be named.
 */

/** Where the non-seeded randomness comes from: the core stays pure, the caller supplies (and records) it. */
export interface AwsFunctionEnv {
  /** A number in [0, 1). */
  random(): number;
  uuid(): string;
}

type JsonataFunction = (...args: unknown[]) => unknown;

/** AWS accepts these names exactly (case-sensitive); the message lists them in this order. */
const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  'SHA-1': 'sha1',
  'SHA-384': 'sha384',
  'SHA-256': 'sha256',
  'SHA-512': 'sha512',
  MD5: 'md5',
};

/** A JSONata error as the library throws them: it renders `message` from the code's template. */
function jsonataError(code: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(code), { code }, fields);
}

/** T0410, rendered `Argument 3 of function "partition" does not match function signature`. */
const signatureMismatch = (name: string, index: number) => jsonataError('T0410', { index, token: name });

/** D3137 renders its `message` verbatim (the code of JSONata's `$error`). */
const customError = (message: string) => jsonataError('D3137', { message });

/** AWS names the first surplus argument only when it has a value. */
function rejectSurplus(name: string, args: readonly unknown[], arity: number): void {
  if (args[arity] !== undefined) throw signatureMismatch(name, arity + 1);
}

/** AWS truncates numeric arguments towards zero (`$range(-1.7, 2, 1)` starts at -1). */
function wholeNumber(name: string, args: readonly unknown[], index: number): number {
  const value = args[index];
  if (typeof value !== 'number') throw signatureMismatch(name, index + 1);
  return Math.trunc(value);
}

function partition(...args: unknown[]): unknown {
  rejectSurplus('partition', args, 2);
  const [items, size] = args;
  if (items === undefined) return undefined;
  if (!Array.isArray(items)) throw jsonataError('T0412', { index: 1, token: 'partition', type: undefined });
  if (items.length === 0) return undefined;
  if (size === undefined) return [[...items]];
  const chunk = wholeNumber('partition', args, 1);
  if (chunk < 0) throw customError('Second argument must be zero or greater');
  if (chunk === 0) return undefined;
  const chunks: unknown[][] = [];
  for (let i = 0; i < items.length; i += chunk) chunks.push(items.slice(i, i + chunk));
  return chunks;
}

function range(...args: unknown[]): unknown {
  rejectSurplus('range', args, 3);
  const start = wholeNumber('range', args, 0);
  const end = wholeNumber('range', args, 1);
  if (args[2] === undefined) return undefined;
  const step = wholeNumber('range', args, 2);
  if (step === 0 || (step > 0 && start > end) || (step < 0 && start < end)) return undefined;
  const count = Math.floor((end - start) / step) + 1;
  // A one-element range is a singleton sequence, which JSONata hands back as the bare number.
  if (count === 1) return start;
  if (count > MAX_SEQUENCE_ELEMENTS) throw new Error(MEMORY_LIMIT_MESSAGE);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

function hash(...args: unknown[]): unknown {
  rejectSurplus('hash', args, 2);
  const [value, algorithm] = args;
  if (typeof value !== 'string') throw signatureMismatch('hash', 1);
  if (algorithm === undefined) return undefined;
  if (typeof algorithm !== 'string') throw signatureMismatch('hash', 2);
  const nodeName = Object.hasOwn(HASH_ALGORITHMS, algorithm) ? HASH_ALGORITHMS[algorithm] : undefined;
  if (nodeName === undefined) {
    const names = Object.keys(HASH_ALGORITHMS).join(', ');
    throw customError(`Hash algorithm '${algorithm}' must be one of ${names}`);
  }
  return createHash(nodeName).update(value, 'utf8').digest('hex');
}

function parse(...args: unknown[]): unknown {
  rejectSurplus('parse', args, 1);
  const [text] = args;
  if (text === undefined) return undefined;
  if (typeof text !== 'string') throw signatureMismatch('parse', 1);
  // Nested past Jackson's bound (AWS's parser): it would overflow the engine's recursive walks later.
  const depth = findExcessiveNesting(text);
  if (depth !== undefined) throw customError(nestingTooDeepMessage(depth));
  try {
    return JSON.parse(text);
  } catch {
    // Also an empty or blank string: AWS calls it invalid JSON rather than answering "".
    throw customError('Invalid JSON');
  }
}

/** The functions that need no environment: one shared instance each. */
const PURE_FUNCTIONS: Readonly<Record<string, JsonataFunction>> = { partition, range, hash, parse };

const functionsByEnv = new WeakMap<AwsFunctionEnv, Readonly<Record<string, JsonataFunction>>>();

/**
 * The six functions bound for one environment (cached per env object, so evaluating many expressions
 * with the same env allocates nothing). `$random(seed)` is deterministic and never touches `env`.
 */
export function awsFunctions(env: AwsFunctionEnv): Readonly<Record<string, JsonataFunction>> {
  const cached = functionsByEnv.get(env);
  if (cached !== undefined) return cached;
  const functions = {
    ...PURE_FUNCTIONS,
    random: (...args: unknown[]): unknown => {
      rejectSurplus('random', args, 1);
      return args[0] === undefined ? env.random() : javaRandomDouble(wholeNumber('random', args, 0));
    },
    uuid: (...args: unknown[]): unknown => {
      rejectSurplus('uuid', args, 0);
      return env.uuid();
    },
  };
  functionsByEnv.set(env, functions);
  return functions;
}
