import type { Json } from '../lib/json.ts';
import { MAX_PAYLOAD_BYTES, utf8Length } from '../lib/json.ts';
import { findExcessiveNesting, nestingTooDeepMessage } from '../lib/json-depth.ts';
import { EngineError } from './engine-error.ts';

/**
 * An execution's input as StartExecution checks it (at most 256 KiB, nested no deeper than the limit, JSON),
 * refused with AWS's InvalidExecutionInput: for StartExecution, TestState and the nested executions of both
 * the durable engine and the in-memory runner.
 */
export function parseInput(text: string): Json {
  if (utf8Length(text) > MAX_PAYLOAD_BYTES) {
    throw new EngineError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: 'The input is ${utf8Length(text)} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit'`,
    );
  }
  const depth = findExcessiveNesting(text);
  if (depth !== undefined) {
    throw new EngineError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${nestingTooDeepMessage(depth)}'`,
    );
  }
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new EngineError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(error as Error).message}'`,
      { cause: error },
    );
  }
}
