import { formatInvalidDefinition, parseDefinition } from '../asl/parse-definition.ts';
import { collectVariableReferences } from '../asl/validate-definition.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import type { Json } from '../lib/json.ts';
import { type EngineDeps, newUuid } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import { loadExecution } from './load-execution.ts';
import {
  parseExecutionArn,
  parseQualifiedStateMachineArn,
  parseStateMachineArn,
  stateMachineArnOf,
  stateMachineDoesNotExist,
  validateName,
} from './names.ts';
import { pageSize } from './page-size.ts';
import type { StateMachineRecord, StateMachineRevision } from './ports.ts';
import { publishStateMachineVersion, requireVersion } from './state-machine-versions.ts';

export interface CreateStateMachineInput {
  name: string;
  definition: string;
  roleArn: string;
  type?: 'STANDARD' | 'EXPRESS';
  loggingConfiguration?: Json;
  tracingConfiguration?: Json;
  tags?: Array<{ key: string; value: string }>;
  /** Publish the first revision as version 1 (its description `versionDescription`). */
  publish?: boolean;
  versionDescription?: string;
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const MAX_DEFINITION_BYTES = 1_048_576;

/**
 * CreateStateMachine. Idempotent as AWS's is: the same name with the same definition, type and configuration
 * returns the existing machine; the same name with anything else is StateMachineAlreadyExists.
 */
export async function createStateMachine(
  deps: EngineDeps,
  request: CreateStateMachineInput,
): Promise<{ stateMachineArn: string; creationDate: Date; stateMachineVersionArn?: string }> {
  const { machine, ...created } = await createUnpublished(deps, request);
  if (request.publish !== true) return created;
  const stateMachineVersionArn = await publishFor(deps, machine, request.versionDescription);
  return { ...created, stateMachineVersionArn };
}

/** `publish: true` on CreateStateMachine or UpdateStateMachine: the version's ARN (of the machine just written). */
async function publishFor(
  deps: EngineDeps,
  machine: StateMachineRecord,
  versionDescription: string | undefined,
): Promise<string> {
  const version = await publishStateMachineVersion(
    deps,
    {
      stateMachineArn: machine.stateMachineArn,
      ...(versionDescription !== undefined ? { description: versionDescription } : {}),
    },
    machine,
  );
  return version.stateMachineVersionArn;
}

async function createUnpublished(
  deps: EngineDeps,
  request: CreateStateMachineInput,
): Promise<{ stateMachineArn: string; creationDate: Date; machine: StateMachineRecord }> {
  validateName(request.name);
  checkDefinition(request.definition);
  checkRoleArn(request.roleArn);
  const type = request.type ?? 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS') {
    throw new EngineError(
      'ValidationException',
      `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`,
    );
  }
  const stateMachineArn = stateMachineArnOf(deps, request.name);
  const now = deps.clock.now();
  const revisionId = newUuid(deps);
  const machine: StateMachineRecord = {
    stateMachineArn,
    name: request.name,
    type,
    roleArn: request.roleArn,
    revisionId,
    creationDate: now,
    updateDate: now,
    tags: Object.fromEntries((request.tags ?? []).map((tag) => [tag.key, tag.value])),
    ...(request.loggingConfiguration !== undefined
      ? { loggingConfiguration: request.loggingConfiguration }
      : {}),
    ...(request.tracingConfiguration !== undefined
      ? { tracingConfiguration: request.tracingConfiguration }
      : {}),
  };
  const revision: StateMachineRevision = {
    stateMachineArn,
    revisionId,
    definition: request.definition,
    roleArn: request.roleArn,
    createdAt: now,
  };
  if (await deps.log.createStateMachine(machine, revision)) {
    return { stateMachineArn, creationDate: new Date(now), machine };
  }
  const existing = await deps.log.getStateMachine(stateMachineArn);
  const current = existing && (await deps.log.getRevision(stateMachineArn, existing.revisionId));
  if (
    existing &&
    current &&
    current.definition === request.definition &&
    existing.type === type &&
    JSON.stringify(existing.loggingConfiguration) === JSON.stringify(request.loggingConfiguration) &&
    JSON.stringify(existing.tracingConfiguration) === JSON.stringify(request.tracingConfiguration)
  ) {
    return { stateMachineArn, creationDate: new Date(existing.creationDate), machine: existing };
  }
  throw new EngineError('StateMachineAlreadyExists', `State Machine Already Exists: '${stateMachineArn}'`);
}

export interface StateMachineDescription {
  stateMachineArn: string;
  name: string;
  status: 'ACTIVE';
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: Date;
  revisionId: string;
  loggingConfiguration: Json;
  tracingConfiguration: Json;
  variableReferences?: Record<string, string[]>;
  /** A version's description (DescribeStateMachine of a version ARN). */
  description?: string;
}

export async function describeStateMachine(
  deps: EngineDeps,
  request: { stateMachineArn: string },
): Promise<StateMachineDescription> {
  const qualifier = parseQualifiedStateMachineArn(request.stateMachineArn).qualifier;
  if (qualifier?.kind === 'alias') {
    // Aliases are described by DescribeStateMachineAlias.
    throw new EngineError('InvalidArn', `Invalid Arn: '${request.stateMachineArn}'`);
  }
  if (qualifier?.kind === 'version') return describeVersion(deps, request.stateMachineArn);
  const machine = await requireMachine(deps, request.stateMachineArn);
  const revision = await deps.log.getRevision(machine.stateMachineArn, machine.revisionId);
  if (!revision) {
    throw new InvariantError(`Revision ${machine.revisionId} of ${machine.stateMachineArn} is missing`);
  }
  return describeRevision(machine, revision);
}

/** DescribeStateMachine of a version ARN: its revision, description, configuration and creation date. */
async function describeVersion(deps: EngineDeps, versionArn: string): Promise<StateMachineDescription> {
  const version = await requireVersion(deps, versionArn);
  const revision = await deps.log.getRevision(version.stateMachineArn, version.revisionId);
  if (!revision) {
    throw new InvariantError(`Revision ${version.revisionId} of ${version.stateMachineArn} is missing`);
  }
  const machine: StateMachineRecord = {
    ...version.machine,
    stateMachineArn: versionArn,
    creationDate: version.creationDate,
  };
  delete machine.loggingConfiguration;
  delete machine.tracingConfiguration;
  if (version.loggingConfiguration !== undefined) machine.loggingConfiguration = version.loggingConfiguration;
  if (version.tracingConfiguration !== undefined) machine.tracingConfiguration = version.tracingConfiguration;
  const description = describeRevision(machine, revision);
  return version.description !== undefined
    ? { ...description, description: version.description }
    : description;
}

/** DescribeStateMachineForExecution: the revision the execution runs, whatever happened to the machine since. */
export async function describeStateMachineForExecution(
  deps: EngineDeps,
  request: { executionArn: string },
): Promise<StateMachineDescription & { updateDate: Date }> {
  parseExecutionArn(request.executionArn);
  const source = (await loadExecution(deps.log, request.executionArn))?.state.execution?.source;
  if (!source) {
    throw new EngineError('ExecutionDoesNotExist', `Execution Does Not Exist: '${request.executionArn}'`);
  }
  const root = source.stateMachineArn;
  const revision = await deps.log.getRevision(root, source.revisionId);
  const machine = await deps.log.getStateMachine(root);
  if (!revision || !machine) {
    throw stateMachineDoesNotExist(root);
  }
  return { ...describeRevision(machine, revision), updateDate: new Date(revision.createdAt) };
}

function describeRevision(
  machine: StateMachineRecord,
  revision: StateMachineRevision,
): StateMachineDescription {
  const out: StateMachineDescription = {
    stateMachineArn: machine.stateMachineArn,
    name: machine.name,
    status: 'ACTIVE',
    definition: revision.definition,
    roleArn: revision.roleArn,
    type: machine.type,
    creationDate: new Date(machine.creationDate),
    revisionId: revision.revisionId,
    loggingConfiguration: machine.loggingConfiguration ?? { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: machine.tracingConfiguration ?? { enabled: false },
  };
  const parsed = parseDefinition(revision.definition);
  if (parsed.definition) {
    const references = collectVariableReferences(parsed.definition);
    if (Object.keys(references).length > 0) out.variableReferences = references;
  }
  return out;
}

/** UpdateStateMachine: a new revision; running executions keep the one they started with. */
export async function updateStateMachine(
  deps: EngineDeps,
  request: {
    stateMachineArn: string;
    definition?: string;
    roleArn?: string;
    loggingConfiguration?: Json;
    tracingConfiguration?: Json;
    /** Publish the (new) current revision as a version (its description `versionDescription`). */
    publish?: boolean;
    versionDescription?: string;
  },
): Promise<{ updateDate: Date; revisionId: string; stateMachineVersionArn?: string }> {
  const nothingElse =
    request.definition === undefined &&
    request.roleArn === undefined &&
    request.loggingConfiguration === undefined &&
    request.tracingConfiguration === undefined;
  if (request.publish === true && nothingElse) {
    // AWS: publishing alone publishes the current revision (or answers the version that already has it).
    const machine = await requireMachine(deps, request.stateMachineArn);
    return {
      updateDate: new Date(machine.updateDate),
      revisionId: machine.revisionId,
      stateMachineVersionArn: await publishFor(deps, machine, request.versionDescription),
    };
  }
  const { machine, ...updated } = await updateUnpublished(deps, request);
  if (request.publish !== true) return updated;
  const stateMachineVersionArn = await publishFor(deps, machine, request.versionDescription);
  return { ...updated, stateMachineVersionArn };
}

async function updateUnpublished(
  deps: EngineDeps,
  request: {
    stateMachineArn: string;
    definition?: string;
    roleArn?: string;
    loggingConfiguration?: Json;
    tracingConfiguration?: Json;
  },
): Promise<{ updateDate: Date; revisionId: string; machine: StateMachineRecord }> {
  if (
    request.definition === undefined &&
    request.roleArn === undefined &&
    request.loggingConfiguration === undefined &&
    request.tracingConfiguration === undefined
  ) {
    throw new EngineError(
      'MissingRequiredParameter',
      'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified',
    );
  }
  if (request.definition !== undefined) checkDefinition(request.definition);
  if (request.roleArn !== undefined) checkRoleArn(request.roleArn);
  const machine = await requireMachine(deps, request.stateMachineArn);
  const now = deps.clock.now();
  let revision: StateMachineRevision | undefined;
  if (request.definition !== undefined || request.roleArn !== undefined) {
    const current = await deps.log.getRevision(machine.stateMachineArn, machine.revisionId);
    revision = {
      stateMachineArn: machine.stateMachineArn,
      revisionId: newUuid(deps),
      definition: request.definition ?? current?.definition ?? '',
      roleArn: request.roleArn ?? current?.roleArn ?? machine.roleArn,
      createdAt: now,
    };
  }
  const updated: StateMachineRecord = {
    ...machine,
    updateDate: now,
    ...(revision ? { revisionId: revision.revisionId, roleArn: revision.roleArn } : {}),
    ...(request.loggingConfiguration !== undefined
      ? { loggingConfiguration: request.loggingConfiguration }
      : {}),
    ...(request.tracingConfiguration !== undefined
      ? { tracingConfiguration: request.tracingConfiguration }
      : {}),
  };
  if (!(await deps.log.updateStateMachine(updated, revision, machine.revisionId))) {
    throw new EngineError(
      'ConflictException',
      `State machine '${machine.stateMachineArn}' was updated concurrently`,
    );
  }
  return { updateDate: new Date(now), revisionId: updated.revisionId, machine: updated };
}

export async function deleteStateMachine(
  deps: EngineDeps,
  request: { stateMachineArn: string },
): Promise<void> {
  parseStateMachineArn(request.stateMachineArn);
  // AWS answers success for a machine that does not exist (deletion is idempotent). Its versions and aliases go
  // with it; executions they started keep their revisions.
  await deps.versions?.deleteAll(request.stateMachineArn);
  await deps.log.deleteStateMachine(request.stateMachineArn);
}

export async function listStateMachines(
  deps: EngineDeps,
  request: { maxResults?: number; nextToken?: string },
): Promise<{
  stateMachines: Array<{ stateMachineArn: string; name: string; type: string; creationDate: Date }>;
  nextToken?: string;
}> {
  const page = await deps.log.listStateMachines({
    limit: pageSize(request.maxResults),
    ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
  });
  return {
    stateMachines: page.items.map((machine) => ({
      stateMachineArn: machine.stateMachineArn,
      name: machine.name,
      type: machine.type,
      creationDate: new Date(machine.creationDate),
    })),
    ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
  };
}

export async function requireMachine(deps: EngineDeps, stateMachineArn: string): Promise<StateMachineRecord> {
  // A version or alias ARN names no machine record: StateMachineDoesNotExist, as AWS's UpdateStateMachine answers.
  parseQualifiedStateMachineArn(stateMachineArn);
  const machine = await deps.log.getStateMachine(stateMachineArn);
  if (!machine) {
    throw stateMachineDoesNotExist(stateMachineArn);
  }
  return machine;
}

function checkDefinition(definition: string): void {
  if (
    typeof definition !== 'string' ||
    definition.length === 0 ||
    Buffer.byteLength(definition) > MAX_DEFINITION_BYTES
  ) {
    throw new EngineError(
      'ValidationException',
      "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length between 1 and 1048576",
    );
  }
  const parsed = parseDefinition(definition);
  if (!parsed.definition) {
    throw new EngineError('InvalidDefinition', formatInvalidDefinition(parsed.diagnostics), {
      diagnostics: parsed.diagnostics,
    });
  }
}

export function checkRoleArn(roleArn: string): void {
  if (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn)) {
    throw new EngineError('InvalidArn', `Invalid Arn: 'Invalid role ARN: ${roleArn}'`);
  }
}
