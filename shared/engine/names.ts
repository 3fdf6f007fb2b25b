import { randomUUID } from 'node:crypto';
import { EngineError } from './engine-error.ts';

/**
 * Names and ARNs as AWS Step Functions has them: `arn:aws:states:<region>:<account>:stateMachine:<name>`,
 * `…:execution:<stateMachineName>:<executionName>`, and names of 1–80 characters without whitespace, brackets,
 * wildcards, punctuation AWS reserves or control characters.
 */
const FORBIDDEN_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** Control characters (U+0000–001F, U+007F–009F), U+FFFE, U+FFFF and UTF-16 surrogates. */
function hasForbiddenCodeUnit(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (
      unit <= 0x1f ||
      (unit >= 0x7f && unit <= 0x9f) ||
      unit >= 0xfffe ||
      (unit >= 0xd800 && unit <= 0xdfff)
    ) {
      return true;
    }
  }
  return false;
}

export function validateName(name: string): void {
  if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME.test(name) || hasForbiddenCodeUnit(name)) {
    throw new EngineError('InvalidName', `Invalid Name: '${name}'`);
  }
}

export interface Deployment {
  region: string;
  accountId: string;
}

export function stateMachineArnOf(deployment: Deployment, name: string): string {
  return `arn:aws:states:${deployment.region}:${deployment.accountId}:stateMachine:${name}`;
}

export function activityArnOf(deployment: Deployment, name: string): string {
  return `arn:aws:states:${deployment.region}:${deployment.accountId}:activity:${name}`;
}

/** An activity's ARN `arn:aws:states:<region>:<account>:activity:<name>`; its name. */
export function parseActivityArn(arn: string): { prefix: string; name: string } {
  const { prefix, rest } = parseArn(arn, ['activity']);
  if (rest.includes(':')) throw new EngineError('InvalidArn', `Invalid Arn: '${arn}'`);
  return { prefix, name: rest };
}

/** Whether an ARN names an activity (not whether it is well formed). */
export function isActivityArn(arn: string): boolean {
  return /^arn:aws[\w-]*:states:[^:]*:[^:]*:activity:/.test(arn);
}

export function executionArnOf(stateMachineArn: string, executionName: string): string {
  const { prefix, name } = parseStateMachineArn(stateMachineArn);
  return `${prefix}:execution:${name}:${executionName}`;
}

/** An EXPRESS execution's ARN: its name may repeat, so a UUID makes each one its own (AWS's shape). */
export function expressExecutionArnOf(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':express:')}:${executionName}:${randomUUID()}`;
}

const ARN =
  /^arn:aws[\w-]*:states:([a-z0-9-]+):(\d{12}):(stateMachine|execution|express|mapRun|activity):(.+)$/;

interface ParsedArn {
  prefix: string;
  kind: string;
  rest: string;
}

function parseArn(arn: string, kinds: readonly string[]): ParsedArn {
  const match = typeof arn === 'string' ? ARN.exec(arn) : null;
  if (!match) throw new EngineError('InvalidArn', `Invalid Arn: '${arn}'`);
  const [, region, account, kind = '', rest = ''] = match;
  if (!kinds.includes(kind)) {
    throw new EngineError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${kind}'`);
  }
  return { prefix: `arn:aws:states:${region}:${account}`, kind, rest };
}

export function parseStateMachineArn(arn: string): { prefix: string; name: string } {
  const { prefix, rest } = parseArn(arn, ['stateMachine']);
  if (rest.includes(':')) throw new EngineError('InvalidArn', `Invalid Arn: '${arn}'`);
  return { prefix, name: rest };
}

/** What follows a state machine's name in a qualified ARN: a version number or an alias name. */
export type StateMachineQualifier = { kind: 'version'; version: number } | { kind: 'alias'; alias: string };

/** AWS's pattern of alias names: letters, digits, `_-.`, not digits only. */
export const ALIAS_NAME = /^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]+$/;

/**
 * A state machine ARN, unqualified or qualified by a version (`…:stateMachine:<name>:<n>`) or an alias
 * (`…:stateMachine:<name>:<alias>`): the machine's own ARN, its name and the qualifier.
 */
export function parseQualifiedStateMachineArn(arn: string): {
  prefix: string;
  name: string;
  stateMachineArn: string;
  qualifier?: StateMachineQualifier;
} {
  const { prefix, rest } = parseArn(arn, ['stateMachine']);
  const parts = rest.split(':');
  const [name = '', qualifier] = parts;
  if (parts.length > 2 || name === '') throw new EngineError('InvalidArn', `Invalid Arn: '${arn}'`);
  const stateMachineArn = `${prefix}:stateMachine:${name}`;
  if (qualifier === undefined) return { prefix, name, stateMachineArn };
  if (/^[1-9]\d{0,9}$/.test(qualifier)) {
    return { prefix, name, stateMachineArn, qualifier: { kind: 'version', version: Number(qualifier) } };
  }
  if (qualifier.length <= 80 && ALIAS_NAME.test(qualifier)) {
    return { prefix, name, stateMachineArn, qualifier: { kind: 'alias', alias: qualifier } };
  }
  throw new EngineError('InvalidArn', `Invalid Arn: '${arn}'`);
}

export function stateMachineVersionArnOf(stateMachineArn: string, version: number): string {
  return `${stateMachineArn}:${version}`;
}

export function stateMachineAliasArnOf(stateMachineArn: string, alias: string): string {
  return `${stateMachineArn}:${alias}`;
}

/**
 * Checks an execution ARN's shape: Standard executions, Map Run children `…:execution:<machine>/<label>:<name>`,
 * and, where the caller allows them, Express executions `…:express:<machine>:<name>:<uuid>`.
 */
export function parseExecutionArn(
  arn: string,
  options: { express?: boolean } = {},
): { stateMachineName: string; name: string; express: boolean } {
  const { kind, rest } = parseArn(arn, options.express ? ['execution', 'express'] : ['execution']);
  const express = kind === 'express';
  const parts = express ? rest.split(':') : [];
  if (express) {
    if (parts.length !== 3 || parts.some((part) => part === '')) {
      throw new EngineError('InvalidArn', `Invalid Arn: '${arn}'`);
    }
    return { stateMachineName: parts[0] as string, name: parts[1] as string, express };
  }
  const colon = rest.lastIndexOf(':');
  if (colon <= 0 || colon === rest.length - 1) throw new EngineError('InvalidArn', `Invalid Arn: '${arn}'`);
  return { stateMachineName: rest.slice(0, colon), name: rest.slice(colon + 1), express };
}

/** AWS's answer for an Express execution it keeps nothing of (Statefold keeps those whose logging is on). */
export function expressNotKept(): EngineError {
  return new EngineError('InvalidArn', "Invalid Arn: 'Resource type not valid in this context: express'");
}

/** StartExecution's (and DescribeStateMachine's …) answer for a machine that does not exist, in AWS's words. */
export function stateMachineDoesNotExist(arn: string): EngineError {
  return new EngineError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
}

/** StartExecution's answer for a name already taken, in AWS's words. */
export function executionAlreadyExists(executionArn: string): EngineError {
  return new EngineError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
}

export function parseMapRunArn(arn: string): void {
  parseArn(arn, ['mapRun']);
}
