import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../shared/engine/engine-error.ts';
import { describeExecution, listExecutions } from '../../../shared/engine/executions.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import {
  createStateMachineAlias,
  deleteStateMachineVersion,
  listStateMachineAliases,
  listStateMachineVersions,
  MAX_ALIASES,
  MAX_VERSIONS,
  pickRoute,
  publishStateMachineVersion,
  resolveStartTarget,
  updateStateMachineAlias,
} from '../../../shared/engine/state-machine-versions.ts';
import {
  createStateMachine,
  deleteStateMachine,
  describeStateMachine,
  describeStateMachineForExecution,
  updateStateMachine,
} from '../../../shared/engine/state-machines.ts';
import { createMemoryEngine, type MemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/** The version and alias use cases over the memory ports: what each answers, and what each refuses. */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const passing = (label: string) =>
  JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ran: label }, End: true } } });

async function machineWithVersions(engine: MemoryEngine, count: number, name = 'machine') {
  const { stateMachineArn } = await createStateMachine(engine.deps, {
    name,
    definition: passing('v1'),
    roleArn: ROLE,
    publish: true,
  });
  for (let n = 2; n <= count; n++) {
    await updateStateMachine(engine.deps, { stateMachineArn, definition: passing(`v${n}`), publish: true });
  }
  return stateMachineArn;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EngineError) return error.code;
    throw error;
  }
  return 'none';
}

describe('publishing', () => {
  it('numbers versions from 1, newest first, and publishes the same revision once', async () => {
    const engine = createMemoryEngine();
    const arn = await machineWithVersions(engine, 3);
    const again = await publishStateMachineVersion(engine.deps, { stateMachineArn: arn });
    expect(again.stateMachineVersionArn).toBe(`${arn}:3`);
    const listed = await listStateMachineVersions(engine.deps, { stateMachineArn: arn, maxResults: 2 });
    expect(listed.stateMachineVersions.map((version) => version.stateMachineVersionArn)).toEqual([
      `${arn}:3`,
      `${arn}:2`,
    ]);
    const rest = await listStateMachineVersions(engine.deps, {
      stateMachineArn: arn,
      nextToken: listed.nextToken as string,
    });
    expect(rest.stateMachineVersions.map((version) => version.stateMachineVersionArn)).toEqual([`${arn}:1`]);
    expect(rest.nextToken).toBeUndefined();
  });

  it.each([
    ['the current revision', (current: string) => current, 'none'],
    ['an older revision', () => 'older', 'ConflictException'],
  ])('with revisionId %s: %s', async (_case, revision, code) => {
    const engine = createMemoryEngine();
    const { stateMachineArn } = await createStateMachine(engine.deps, {
      name: 'm',
      definition: passing('a'),
      roleArn: ROLE,
    });
    const { revisionId } = await describeStateMachine(engine.deps, { stateMachineArn });
    expect(
      await codeOf(
        publishStateMachineVersion(engine.deps, { stateMachineArn, revisionId: revision(revisionId) }),
      ),
    ).toBe(code);
  });

  it(`refuses a version past ${MAX_VERSIONS}`, async () => {
    const engine = createMemoryEngine();
    const arn = await machineWithVersions(engine, 1);
    for (let n = 2; n <= MAX_VERSIONS; n++) {
      await engine.versions.createVersion({
        stateMachineArn: arn,
        version: n,
        revisionId: `r${n}`,
        creationDate: 0,
      });
    }
    await updateStateMachine(engine.deps, { stateMachineArn: arn, definition: passing('more') });
    expect(await codeOf(publishStateMachineVersion(engine.deps, { stateMachineArn: arn }))).toBe(
      'ServiceQuotaExceededException',
    );
  });

  it('DescribeStateMachine of a version shows its definition and description, the machine its own', async () => {
    const engine = createMemoryEngine();
    const { stateMachineArn } = await createStateMachine(engine.deps, {
      name: 'm',
      definition: passing('one'),
      roleArn: ROLE,
      publish: true,
      versionDescription: 'first',
    });
    await updateStateMachine(engine.deps, { stateMachineArn, definition: passing('two') });
    expect(
      await describeStateMachine(engine.deps, { stateMachineArn: `${stateMachineArn}:1` }),
    ).toMatchObject({
      stateMachineArn: `${stateMachineArn}:1`,
      definition: passing('one'),
      description: 'first',
    });
    const machine = await describeStateMachine(engine.deps, { stateMachineArn });
    expect(machine.definition).toBe(passing('two'));
    expect(machine.description).toBeUndefined();
  });
});

describe('aliases', () => {
  it.each([
    ['one version at 100', (arn: string) => [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }], 'none'],
    [
      'two versions at 50/50',
      (arn: string) => [
        { stateMachineVersionArn: `${arn}:1`, weight: 50 },
        { stateMachineVersionArn: `${arn}:2`, weight: 50 },
      ],
      'none',
    ],
    ['no version', () => [], 'ValidationException'],
    [
      'weights summing to 99',
      (arn: string) => [
        { stateMachineVersionArn: `${arn}:1`, weight: 50 },
        { stateMachineVersionArn: `${arn}:2`, weight: 49 },
      ],
      'ValidationException',
    ],
    [
      'a version of another machine',
      (arn: string) => [
        { stateMachineVersionArn: `${arn}:1`, weight: 50 },
        { stateMachineVersionArn: `${arn}-other:1`, weight: 50 },
      ],
      'ValidationException',
    ],
    [
      'an alias ARN',
      (arn: string) => [{ stateMachineVersionArn: `${arn}:PROD`, weight: 100 }],
      'ValidationException',
    ],
    [
      'a deleted version',
      (arn: string) => [{ stateMachineVersionArn: `${arn}:9`, weight: 100 }],
      'ResourceNotFound',
    ],
  ])('CreateStateMachineAlias with %s: %s', async (_case, routing, code) => {
    const engine = createMemoryEngine();
    const arn = await machineWithVersions(engine, 2);
    await machineWithVersions(engine, 1, 'machine-other');
    expect(
      await codeOf(
        createStateMachineAlias(engine.deps, { name: 'PROD', routingConfiguration: routing(arn) }),
      ),
    ).toBe(code);
  });

  it(`refuses an alias past ${MAX_ALIASES}, but not the same one again`, async () => {
    const engine = createMemoryEngine();
    const arn = await machineWithVersions(engine, 1);
    const routingConfiguration = [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }];
    for (let n = 1; n <= MAX_ALIASES; n++) {
      await createStateMachineAlias(engine.deps, { name: `a${n}`, routingConfiguration });
    }
    expect(await codeOf(createStateMachineAlias(engine.deps, { name: 'a1', routingConfiguration }))).toBe(
      'none',
    );
    expect(await codeOf(createStateMachineAlias(engine.deps, { name: 'more', routingConfiguration }))).toBe(
      'ServiceQuotaExceededException',
    );
  });

  it('a version an alias routes to cannot be deleted until the alias moves', async () => {
    const engine = createMemoryEngine();
    const arn = await machineWithVersions(engine, 2);
    const { stateMachineAliasArn } = await createStateMachineAlias(engine.deps, {
      name: 'PROD',
      routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }],
    });
    expect(await codeOf(deleteStateMachineVersion(engine.deps, { stateMachineVersionArn: `${arn}:1` }))).toBe(
      'ConflictException',
    );
    await updateStateMachineAlias(engine.deps, {
      stateMachineAliasArn,
      routingConfiguration: [{ stateMachineVersionArn: `${arn}:2`, weight: 100 }],
    });
    expect(await codeOf(deleteStateMachineVersion(engine.deps, { stateMachineVersionArn: `${arn}:1` }))).toBe(
      'none',
    );
    const ofVersion2 = await listStateMachineAliases(engine.deps, { stateMachineArn: `${arn}:2` });
    expect(ofVersion2.stateMachineAliases.map((alias) => alias.stateMachineAliasArn)).toEqual([
      stateMachineAliasArn,
    ]);
  });

  it('DeleteStateMachine deletes its versions and aliases', async () => {
    const engine = createMemoryEngine();
    const arn = await machineWithVersions(engine, 2);
    await createStateMachineAlias(engine.deps, {
      name: 'PROD',
      routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }],
    });
    await deleteStateMachine(engine.deps, { stateMachineArn: arn });
    expect(await engine.versions.countVersions(arn)).toBe(0);
    expect(await engine.versions.countAliases(arn)).toBe(0);
  });
});

describe('routing', () => {
  it.each([
    [0, 1],
    [0.299, 1],
    [0.3, 2],
    [0.999, 2],
  ])('a draw of %s at 30/70 picks version %s', (draw, version) => {
    const routing = [
      { stateMachineVersionArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m:1', weight: 30 },
      { stateMachineVersionArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m:2', weight: 70 },
    ];
    expect(pickRoute(routing, draw).stateMachineVersionArn.endsWith(`:${version}`)).toBe(true);
  });

  it('an alias start runs the version its draw picks, and says so in DescribeExecution and ListExecutions', async () => {
    const engine = createMemoryEngine();
    const arn = await machineWithVersions(engine, 2);
    const { stateMachineAliasArn } = await createStateMachineAlias(engine.deps, {
      name: 'CANARY',
      routingConfiguration: [
        { stateMachineVersionArn: `${arn}:1`, weight: 30 },
        { stateMachineVersionArn: `${arn}:2`, weight: 70 },
      ],
    });
    const draws = [0.1, 0.9];
    const deps = { ...engine.deps, random: () => draws.shift() ?? 0 };
    const first = await startExecution(deps, { stateMachineArn: stateMachineAliasArn, name: 'first' });
    const second = await startExecution(deps, { stateMachineArn: stateMachineAliasArn, name: 'second' });
    await runUntilIdle(engine);
    expect(await describeExecution(engine.deps, first)).toMatchObject({
      output: '{"ran":"v1"}',
      stateMachineArn: arn,
      stateMachineVersionArn: `${arn}:1`,
      stateMachineAliasArn,
    });
    expect(await describeExecution(engine.deps, second)).toMatchObject({
      output: '{"ran":"v2"}',
      stateMachineVersionArn: `${arn}:2`,
    });
    expect((await describeStateMachineForExecution(engine.deps, first)).definition).toBe(passing('v1'));
    const ofVersion1 = await listExecutions(engine.deps, { stateMachineArn: `${arn}:1` });
    expect(ofVersion1.executions.map((execution) => execution.name)).toEqual(['first']);
    const ofAlias = await listExecutions(engine.deps, { stateMachineArn: stateMachineAliasArn });
    expect(ofAlias.executions.map((execution) => execution.name).sort()).toEqual(['first', 'second']);
  });

  it('a nested states:startExecution.sync:2 through an alias runs the alias’s version', async () => {
    const engine = createMemoryEngine();
    const child = await machineWithVersions(engine, 2, 'child');
    const { stateMachineAliasArn } = await createStateMachineAlias(engine.deps, {
      name: 'LIVE',
      routingConfiguration: [{ stateMachineVersionArn: `${child}:1`, weight: 100 }],
    });
    const { stateMachineArn: parent } = await createStateMachine(engine.deps, {
      name: 'parent',
      roleArn: ROLE,
      definition: JSON.stringify({
        StartAt: 'Run',
        States: {
          Run: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync:2',
            Parameters: { StateMachineArn: stateMachineAliasArn, Name: 'nested' },
            OutputPath: '$.Output',
            End: true,
          },
        },
      }),
    });
    const started = await startExecution(engine.deps, { stateMachineArn: parent, name: 'outer' });
    await runUntilIdle(engine);
    expect(await describeExecution(engine.deps, started)).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"ran":"v1"}',
    });
    const nested = await describeExecution(engine.deps, {
      executionArn: `${child.replace(':stateMachine:', ':execution:')}:nested`,
    });
    expect(nested).toMatchObject({ stateMachineVersionArn: `${child}:1`, stateMachineAliasArn });
  });

  it.each([
    ['a version that does not exist', ':5'],
    ['an alias that does not exist', ':PROD'],
  ])('StartExecution of %s is StateMachineDoesNotExist', async (_case, suffix) => {
    const engine = createMemoryEngine();
    const arn = await machineWithVersions(engine, 1);
    expect(await codeOf(resolveStartTarget(engine.deps, `${arn}${suffix}`))).toBe('StateMachineDoesNotExist');
  });
});
