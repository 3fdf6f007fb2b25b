import { evaluatePath, NOT_FOUND, type PathSources } from '../jsonpath/paths.ts';
import { assertNever } from '../lib/assert-never.ts';
import { exceedsJsonBytes, type Json } from '../lib/json.ts';
import { type IntrinsicArg, type IntrinsicCall, IntrinsicSyntaxError } from './intrinsic-call.ts';
import {
  IntrinsicEvaluationError,
  IntrinsicResultTooLarge,
  intrinsicFailure,
  invalidArguments,
  MAX_INTRINSIC_RESULT_BYTES,
  pathNotFound,
  resultTooLarge,
} from './intrinsic-failure.ts';
import {
  argTypeAt,
  findIntrinsicFunction,
  type IntrinsicEnv,
  matchesArgType,
} from './intrinsic-functions.ts';
import { parseIntrinsic } from './parse-intrinsic.ts';

/**
 * Evaluates an intrinsic call against the state's data, the context object and the variables.
 * Any failure (a bad argument, a path that selects nothing, a limit) throws a StatesError whose cause
 * names the whole expression as written, as AWS does.
 */
export function evaluateIntrinsic(text: string, sources: PathSources, env: IntrinsicEnv): Json {
  try {
    return evaluateCall(parseIntrinsic(text), sources, env);
  } catch (error) {
    if (error instanceof IntrinsicEvaluationError) throw intrinsicFailure(text, error.detail);
    if (error instanceof IntrinsicResultTooLarge) throw resultTooLarge(text, error);
    // Only reachable for a definition that skipped validation.
    if (error instanceof IntrinsicSyntaxError) throw intrinsicFailure(text, error.message);
    throw error;
  }
}

function evaluateCall(call: IntrinsicCall, sources: PathSources, env: IntrinsicEnv): Json {
  const fn = findIntrinsicFunction(call.name);
  if (!fn) throw new IntrinsicEvaluationError(`Unknown intrinsic function ${call.name}`);
  const values = call.args.map((arg) => evaluateArg(arg, sources, env));
  values.forEach((value, index) => {
    const type = argTypeAt(fn, index);
    if (type === undefined || !matchesArgType(value, type)) throw invalidArguments(call.name);
  });
  const result = fn.implement(values, { call, env });
  // Each call's result is held to the payload quota (the functions that could grow past it, such as
  // States.Format, check their size before they build it), so nesting calls cannot multiply sizes.
  if (typeof result === 'object' && result !== null && exceedsJsonBytes(result, MAX_INTRINSIC_RESULT_BYTES)) {
    throw new IntrinsicResultTooLarge(call.name);
  }
  if (typeof result === 'string' && result.length > MAX_RESULT_CHARS)
    throw new IntrinsicResultTooLarge(call.name);
  return result;
}

/** A string result longer than this, in UTF-16 units, is over the bound as JSON. */
const MAX_RESULT_CHARS = MAX_INTRINSIC_RESULT_BYTES;

function evaluateArg(arg: IntrinsicArg, sources: PathSources, env: IntrinsicEnv): Json {
  switch (arg.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return arg.value;
    case 'null':
      return null;
    case 'path': {
      const value = evaluatePath(arg.path, sources);
      if (value === NOT_FOUND) throw pathNotFound(arg.path, sources.input);
      return value;
    }
    case 'call':
      return evaluateCall(arg.call, sources, env);
    default:
      return assertNever(arg, 'intrinsic argument');
  }
}
