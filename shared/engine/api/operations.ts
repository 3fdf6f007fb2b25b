import { validateDefinition } from '../../asl/validate-definition.ts';
import type { Json, JsonObject } from '../../lib/json.ts';
import {
  createActivity,
  deleteActivity,
  describeActivity,
  getActivityTask,
  listActivities,
} from '../activities.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { EngineError } from '../engine-error.ts';
import { getExecutionHistory } from '../execution-history.ts';
import { describeExecution, listExecutions, stopExecution } from '../executions.ts';
import { describeMapRun, listMapRuns, updateMapRun } from '../map-runs.ts';
import {
  activityArnOf,
  parseActivityArn,
  parseExecutionArn,
  parseQualifiedStateMachineArn,
  stateMachineArnOf,
} from '../names.ts';
import { redriveExecution } from '../redrive-execution.ts';
import { startExecution } from '../start-execution.ts';
import {
  createStateMachineAlias,
  deleteStateMachineAlias,
  deleteStateMachineVersion,
  describeStateMachineAlias,
  listStateMachineAliases,
  listStateMachineVersions,
  publishStateMachineVersion,
  updateStateMachineAlias,
} from '../state-machine-versions.ts';
import {
  createStateMachine,
  deleteStateMachine,
  describeStateMachine,
  describeStateMachineForExecution,
  listStateMachines,
  updateStateMachine,
} from '../state-machines.ts';
import { checkTagCount, checkTags, listTagsForResource, tagResource, untagResource } from '../tags.ts';
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from '../task-callbacks.ts';
import { testState } from '../test-state.ts';
import { checkExpressDefinition, findExpressProblems } from './express-definition.ts';
import { type InputOf, readInput, type Shape } from './input-shapes.ts';
import { NOT_SUPPORTED, startSyncExecution } from './start-sync-execution.ts';
import { pickMembers } from './wire-json.ts';

/**
 * The operations Statefold serves, by the name in `X-Amz-Target: AWSStepFunctions.<Operation>`: each one's
 * input shape (from the AWS model) and what it runs. Outputs carry the SDK's member names, dates as Date;
 * the handler puts them on the wire.
 */
export interface Operation {
  run(deps: EngineDeps, body: JsonObject): Promise<object>;
}

function operation<const S extends Shape>(
  input: S,
  run: (deps: EngineDeps, input: InputOf<S>) => Promise<object>,
): Operation {
  return { run: (deps, body) => run(deps, readInput(input, body)) };
}

// ─── Members, as botocore's stepfunctions/2016-11-23/service-2.json declares them ────────────────────────

const ARN = { kind: 'string', min: 1, max: 256 } as const;
const LONG_ARN = { kind: 'string', min: 1, max: 2000 } as const;
const NAME = { kind: 'string', min: 1, max: 80 } as const;
const DEFINITION = { kind: 'string', min: 1, max: 1_048_576, sensitive: true } as const;
const SENSITIVE_DATA = { kind: 'string', maxBytes: 262_144, sensitive: true } as const;
const SENSITIVE_ERROR = { kind: 'string', min: 0, max: 256, sensitive: true } as const;
const SENSITIVE_CAUSE = { kind: 'string', min: 0, max: 32_768, sensitive: true } as const;
const TASK_TOKEN = { kind: 'string', min: 1, max: 2048 } as const;
const PAGE_SIZE = { kind: 'integer', min: 0, max: 1000 } as const;
const PAGE_TOKEN = { kind: 'string', min: 1, max: 1024 } as const;
const INCLUDED_DATA = { kind: 'string', enum: ['ALL_DATA', 'METADATA_ONLY'] } as const;
const STATE_MACHINE_TYPE = { kind: 'string', enum: ['STANDARD', 'EXPRESS'] } as const;
const TRACE_HEADER = {
  kind: 'string',
  min: 0,
  max: 256,
  pattern: { regex: /^\p{ASCII}*$/u, text: '\\p{ASCII}*' },
} as const;
const TAG_KEY = { kind: 'string', min: 1, max: 128 } as const;
const TAG_LIST = {
  kind: 'list',
  member: {
    kind: 'structure',
    members: { key: { ...TAG_KEY, required: true }, value: { kind: 'string', min: 0, max: 256 } },
  },
} as const;
const LOGGING_CONFIGURATION = {
  kind: 'structure',
  members: {
    level: { kind: 'string', enum: ['ALL', 'ERROR', 'FATAL', 'OFF'] },
    includeExecutionData: { kind: 'boolean' },
    destinations: {
      kind: 'list',
      member: {
        kind: 'structure',
        members: { cloudWatchLogsLogGroup: { kind: 'structure', members: { logGroupArn: ARN } } },
      },
    },
  },
} as const;
const TRACING_CONFIGURATION = { kind: 'structure', members: { enabled: { kind: 'boolean' } } } as const;
const ENCRYPTION_CONFIGURATION = {
  kind: 'structure',
  members: {
    kmsKeyId: { kind: 'string', min: 1, max: 2048 },
    kmsDataKeyReusePeriodSeconds: { kind: 'integer', min: 60, max: 900 },
    type: { kind: 'string', enum: ['AWS_OWNED_KEY', 'CUSTOMER_MANAGED_KMS_KEY'], required: true },
  },
} as const;
const PUBLISH = { kind: 'boolean' } as const;
/** A version's or an alias's description (AWS: up to 256 characters, sensitive). */
const DESCRIPTION = { kind: 'string', max: 256, sensitive: true } as const;
const ROUTING_CONFIGURATION = {
  kind: 'list',
  member: {
    kind: 'structure',
    members: {
      stateMachineVersionArn: { kind: 'string', min: 1, max: 2000, required: true },
      weight: { kind: 'integer', min: 0, max: 100, required: true },
    },
  },
} as const;
const required = <M extends object>(member: M) => ({ ...member, required: true }) as M & { required: true };

// ─── What Statefold does not have yet ────────────────────────────────────────────────────────────────────

/** A version description needs `publish`; customer-managed keys are refused plainly rather than ignored. */
function checkUnsupportedOptions(input: {
  publish?: boolean;
  versionDescription?: string;
  encryptionConfiguration?: { type: string };
}): void {
  if (input.versionDescription !== undefined && input.publish !== true) {
    // AWS's message (AWS: the Step Functions API: its errors, obs.).
    throw new EngineError('ValidationException', 'Version description can only be set when publish is true');
  }
  if (input.encryptionConfiguration?.type === 'CUSTOMER_MANAGED_KMS_KEY') {
    throw new EngineError(
      'ValidationException',
      'Statefold does not encrypt with customer managed KMS keys; use AWS_OWNED_KEY or leave encryptionConfiguration out',
    );
  }
}

/**
 * AWS keeps no executions of EXPRESS machines to list (LocalStack's AWS-recorded
 * test_sfn_api_express.snapshot.json: StateMachineTypeNotSupported, this message).
 */
async function refuseExpress(deps: EngineDeps, stateMachineArn: string): Promise<void> {
  const machine = await deps.log.getStateMachine(
    parseQualifiedStateMachineArn(stateMachineArn).stateMachineArn,
  );
  if (machine?.type === 'EXPRESS') {
    throw new EngineError('StateMachineTypeNotSupported', NOT_SUPPORTED);
  }
}

type TagInput = { key: string; value?: string };
const tagsOf = (tags: readonly TagInput[]) => tags.map((tag) => ({ key: tag.key, value: tag.value ?? '' }));

// ─── The operations ──────────────────────────────────────────────────────────────────────────────────────

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateStateMachine: operation(
    {
      name: required(NAME),
      definition: required(DEFINITION),
      roleArn: required(ARN),
      type: STATE_MACHINE_TYPE,
      loggingConfiguration: LOGGING_CONFIGURATION,
      tags: TAG_LIST,
      tracingConfiguration: TRACING_CONFIGURATION,
      publish: PUBLISH,
      versionDescription: DESCRIPTION,
      encryptionConfiguration: ENCRYPTION_CONFIGURATION,
    },
    async (deps, input) => {
      checkUnsupportedOptions(input);
      const tags = tagsOf(input.tags ?? []);
      checkTags(tags);
      checkTagCount(tags.length, stateMachineArnOf(deps, input.name));
      if (input.type === 'EXPRESS') checkExpressDefinition(input.definition);
      return createStateMachine(deps, {
        name: input.name,
        definition: input.definition,
        roleArn: input.roleArn,
        tags,
        ...(input.publish === true ? { publish: true } : {}),
        ...(input.versionDescription !== undefined ? { versionDescription: input.versionDescription } : {}),
        ...(input.type !== undefined ? { type: input.type } : {}),
        ...(input.loggingConfiguration !== undefined
          ? { loggingConfiguration: input.loggingConfiguration as Json }
          : {}),
        ...(input.tracingConfiguration !== undefined
          ? { tracingConfiguration: input.tracingConfiguration as Json }
          : {}),
      });
    },
  ),

  DescribeStateMachine: operation(
    { stateMachineArn: required(ARN), includedData: INCLUDED_DATA },
    (deps, input) => describeStateMachine(deps, { stateMachineArn: input.stateMachineArn }),
  ),

  UpdateStateMachine: operation(
    {
      stateMachineArn: required(ARN),
      definition: DEFINITION,
      roleArn: ARN,
      loggingConfiguration: LOGGING_CONFIGURATION,
      tracingConfiguration: TRACING_CONFIGURATION,
      publish: PUBLISH,
      versionDescription: DESCRIPTION,
      encryptionConfiguration: ENCRYPTION_CONFIGURATION,
    },
    async (deps, input) => {
      checkUnsupportedOptions(input);
      if (input.definition !== undefined) {
        parseQualifiedStateMachineArn(input.stateMachineArn);
        const machine = await deps.log.getStateMachine(input.stateMachineArn);
        if (machine?.type === 'EXPRESS') checkExpressDefinition(input.definition);
      }
      return updateStateMachine(deps, {
        stateMachineArn: input.stateMachineArn,
        ...(input.publish === true ? { publish: true } : {}),
        ...(input.versionDescription !== undefined ? { versionDescription: input.versionDescription } : {}),
        ...(input.definition !== undefined ? { definition: input.definition } : {}),
        ...(input.roleArn !== undefined ? { roleArn: input.roleArn } : {}),
        ...(input.loggingConfiguration !== undefined
          ? { loggingConfiguration: input.loggingConfiguration as Json }
          : {}),
        ...(input.tracingConfiguration !== undefined
          ? { tracingConfiguration: input.tracingConfiguration as Json }
          : {}),
      });
    },
  ),

  DeleteStateMachine: operation({ stateMachineArn: required(ARN) }, async (deps, input) => {
    await deleteStateMachine(deps, input);
    return {};
  }),

  ListStateMachines: operation({ maxResults: PAGE_SIZE, nextToken: PAGE_TOKEN }, (deps, input) =>
    listStateMachines(deps, input),
  ),

  PublishStateMachineVersion: operation(
    {
      stateMachineArn: required(ARN),
      revisionId: { kind: 'string', max: 2048 },
      description: DESCRIPTION,
    },
    (deps, input) => publishStateMachineVersion(deps, input),
  ),

  ListStateMachineVersions: operation(
    { stateMachineArn: required(ARN), nextToken: PAGE_TOKEN, maxResults: PAGE_SIZE },
    (deps, input) => listStateMachineVersions(deps, input),
  ),

  DeleteStateMachineVersion: operation(
    { stateMachineVersionArn: required(LONG_ARN) },
    async (deps, input) => {
      await deleteStateMachineVersion(deps, input);
      return {};
    },
  ),

  CreateStateMachineAlias: operation(
    {
      description: DESCRIPTION,
      name: required({ kind: 'string', min: 1, max: 80 }),
      routingConfiguration: required(ROUTING_CONFIGURATION),
    },
    (deps, input) =>
      createStateMachineAlias(deps, {
        name: input.name,
        routingConfiguration: input.routingConfiguration,
        ...(input.description !== undefined ? { description: input.description } : {}),
      }),
  ),

  DescribeStateMachineAlias: operation({ stateMachineAliasArn: required(ARN) }, (deps, input) =>
    describeStateMachineAlias(deps, input),
  ),

  UpdateStateMachineAlias: operation(
    {
      stateMachineAliasArn: required(ARN),
      description: DESCRIPTION,
      routingConfiguration: ROUTING_CONFIGURATION,
    },
    (deps, input) =>
      updateStateMachineAlias(deps, {
        stateMachineAliasArn: input.stateMachineAliasArn,
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.routingConfiguration !== undefined
          ? { routingConfiguration: input.routingConfiguration }
          : {}),
      }),
  ),

  DeleteStateMachineAlias: operation({ stateMachineAliasArn: required(ARN) }, async (deps, input) => {
    await deleteStateMachineAlias(deps, input);
    return {};
  }),

  ListStateMachineAliases: operation(
    { stateMachineArn: required(ARN), nextToken: PAGE_TOKEN, maxResults: PAGE_SIZE },
    (deps, input) => listStateMachineAliases(deps, input),
  ),

  ValidateStateMachineDefinition: operation(
    {
      definition: required(DEFINITION),
      type: STATE_MACHINE_TYPE,
      severity: { kind: 'string', enum: ['ERROR', 'WARNING'] },
      maxResults: { kind: 'integer', min: 0, max: 100 },
    },
    async (_deps, input) => {
      const options = {
        ...(input.severity !== undefined ? { severity: input.severity } : {}),
        ...(input.maxResults !== undefined ? { maxResults: input.maxResults } : {}),
      };
      const validation = validateDefinition(input.definition, options);
      const express = input.type === 'EXPRESS' ? findExpressProblems(input.definition) : [];
      if (express.length === 0) return validation;
      const limit = input.maxResults || 100;
      const diagnostics = [...validation.diagnostics, ...express];
      return {
        result: 'FAIL',
        diagnostics: diagnostics.slice(0, limit),
        truncated: validation.truncated || diagnostics.length > limit,
      };
    },
  ),

  DescribeStateMachineForExecution: operation(
    { executionArn: required(ARN), includedData: INCLUDED_DATA },
    async (deps, input) => {
      parseExecutionArn(input.executionArn);
      const description = await describeStateMachineForExecution(deps, { executionArn: input.executionArn });
      return pickMembers(description, [
        'stateMachineArn',
        'name',
        'definition',
        'roleArn',
        'updateDate',
        'loggingConfiguration',
        'tracingConfiguration',
        'revisionId',
        'variableReferences',
      ]);
    },
  ),

  StartExecution: operation(
    { stateMachineArn: required(ARN), name: NAME, input: SENSITIVE_DATA, traceHeader: TRACE_HEADER },
    (deps, input) => startExecution(deps, input),
  ),

  TestState: operation(
    {
      definition: required(DEFINITION),
      roleArn: ARN,
      input: SENSITIVE_DATA,
      inspectionLevel: { kind: 'string', enum: ['INFO', 'DEBUG', 'TRACE'] },
      revealSecrets: { kind: 'boolean' },
      variables: SENSITIVE_DATA,
      stateName: { kind: 'string', min: 1, max: 80 },
      mock: {
        kind: 'structure',
        members: {
          result: SENSITIVE_DATA,
          errorOutput: {
            kind: 'structure',
            members: { error: SENSITIVE_ERROR, cause: SENSITIVE_CAUSE },
          },
          fieldValidationMode: { kind: 'string', enum: ['STRICT', 'PRESENT', 'NONE'] },
        },
      },
      context: SENSITIVE_DATA,
      stateConfiguration: {
        kind: 'structure',
        members: {
          retrierRetryCount: { kind: 'integer', min: 0 },
          errorCausedByState: { kind: 'string', min: 1, max: 80 },
          mapIterationFailureCount: { kind: 'integer', min: 0 },
          mapItemReaderData: SENSITIVE_DATA,
        },
      },
    },
    (deps, input) => testState(deps, input),
  ),

  StartSyncExecution: operation(
    {
      stateMachineArn: required(ARN),
      name: NAME,
      input: SENSITIVE_DATA,
      traceHeader: TRACE_HEADER,
      includedData: INCLUDED_DATA,
    },
    (deps, input) => startSyncExecution(deps, input),
  ),

  StopExecution: operation(
    { executionArn: required(ARN), error: SENSITIVE_ERROR, cause: SENSITIVE_CAUSE },
    (deps, input) => stopExecution(deps, input),
  ),

  DescribeExecution: operation({ executionArn: required(ARN), includedData: INCLUDED_DATA }, (deps, input) =>
    describeExecution(deps, input),
  ),

  ListExecutions: operation(
    {
      stateMachineArn: ARN,
      statusFilter: {
        kind: 'string',
        enum: ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'],
      },
      maxResults: PAGE_SIZE,
      nextToken: { kind: 'string', min: 1, max: 3096 },
      mapRunArn: LONG_ARN,
      redriveFilter: { kind: 'string', enum: ['REDRIVEN', 'NOT_REDRIVEN'] },
    },
    async (deps, { statusFilter, redriveFilter, ...query }) => {
      if (query.stateMachineArn !== undefined) await refuseExpress(deps, query.stateMachineArn);
      // A redrive is one call that reruns at once: no execution waits PENDING_REDRIVE.
      if (statusFilter === 'PENDING_REDRIVE') {
        await listExecutions(deps, { ...query, maxResults: 1 });
        return { executions: [] };
      }
      return listExecutions(deps, {
        ...query,
        ...(statusFilter !== undefined ? { statusFilter } : {}),
        ...(redriveFilter !== undefined ? { redriveFilter } : {}),
      });
    },
  ),

  RedriveExecution: operation(
    {
      executionArn: required(ARN),
      clientToken: { kind: 'string', min: 1, max: 64, pattern: { regex: /^[!-~]+$/, text: '[!-~]+' } },
    },
    (deps, input) => redriveExecution(deps, input),
  ),

  ListMapRuns: operation(
    { executionArn: required(ARN), maxResults: PAGE_SIZE, nextToken: { kind: 'string', min: 1, max: 3096 } },
    (deps, input) => listMapRuns(deps, input),
  ),

  DescribeMapRun: operation({ mapRunArn: required(LONG_ARN) }, (deps, input) => describeMapRun(deps, input)),

  UpdateMapRun: operation(
    {
      mapRunArn: required(LONG_ARN),
      maxConcurrency: { kind: 'integer', min: 0 },
      toleratedFailurePercentage: { kind: 'number', min: 0, max: 100 },
      toleratedFailureCount: { kind: 'integer', min: 0 },
    },
    (deps, input) => updateMapRun(deps, input),
  ),

  GetExecutionHistory: operation(
    {
      executionArn: required(ARN),
      maxResults: PAGE_SIZE,
      reverseOrder: { kind: 'boolean' },
      nextToken: PAGE_TOKEN,
      includeExecutionData: { kind: 'boolean' },
    },
    (deps, input) => getExecutionHistory(deps, input),
  ),

  SendTaskSuccess: operation(
    { taskToken: required(TASK_TOKEN), output: required(SENSITIVE_DATA) },
    async (deps, input) => {
      await sendTaskSuccess(deps, input);
      return {};
    },
  ),

  SendTaskFailure: operation(
    { taskToken: required(TASK_TOKEN), error: SENSITIVE_ERROR, cause: SENSITIVE_CAUSE },
    async (deps, input) => {
      await sendTaskFailure(deps, input);
      return {};
    },
  ),

  SendTaskHeartbeat: operation({ taskToken: required(TASK_TOKEN) }, async (deps, input) => {
    await sendTaskHeartbeat(deps, input);
    return {};
  }),

  CreateActivity: operation(
    { name: required(NAME), tags: TAG_LIST, encryptionConfiguration: ENCRYPTION_CONFIGURATION },
    async (deps, input) => {
      checkUnsupportedOptions(input);
      const tags = tagsOf(input.tags ?? []);
      checkTags(tags);
      checkTagCount(tags.length, activityArnOf(deps, input.name));
      return createActivity(deps, {
        name: input.name,
        tags,
        ...(input.encryptionConfiguration !== undefined
          ? { encryptionConfiguration: input.encryptionConfiguration as Json }
          : {}),
      });
    },
  ),

  DescribeActivity: operation({ activityArn: required(ARN) }, (deps, input) => describeActivity(deps, input)),

  DeleteActivity: operation({ activityArn: required(ARN) }, async (deps, input) => {
    await deleteActivity(deps, input);
    return {};
  }),

  ListActivities: operation({ maxResults: PAGE_SIZE, nextToken: PAGE_TOKEN }, (deps, input) =>
    listActivities(deps, input),
  ),

  GetActivityTask: operation({ activityArn: required(ARN), workerName: NAME }, async (deps, input) => {
    parseActivityArn(input.activityArn);
    return getActivityTask(deps, input);
  }),

  TagResource: operation({ resourceArn: required(ARN), tags: required(TAG_LIST) }, async (deps, input) => {
    await tagResource(deps, { resourceArn: input.resourceArn, tags: tagsOf(input.tags) });
    return {};
  }),

  UntagResource: operation(
    { resourceArn: required(ARN), tagKeys: required({ kind: 'list', member: TAG_KEY } as const) },
    async (deps, input) => {
      await untagResource(deps, input);
      return {};
    },
  ),

  ListTagsForResource: operation({ resourceArn: required(ARN) }, (deps, input) =>
    listTagsForResource(deps, input),
  ),
};
