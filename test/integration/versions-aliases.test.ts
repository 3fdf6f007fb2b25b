import {
  ConflictException,
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachineAliasesCommand,
  ListStateMachineVersionsCommand,
  PublishStateMachineVersionCommand,
  ResourceNotFound,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineDoesNotExist,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { awsStepFunctions } from '../support/aws-cli.ts';
import { localServerPerFile } from '../support/local-server-per-file.ts';
import { waitForClosedExecution } from '../support/sfn-client.ts';
import { thrown } from '../support/thrown.ts';

/**
 * State machine versions and aliases as the AWS SDK (and the AWS CLI) meet them: @aws-sdk/client-sfn against
 * startLocalServer (the durable engine on dynalite and fauxqs in a temporary folder). Each version's definition
 * is a Pass state whose result names it, so an execution's output says which version ran.
 */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const local = localServerPerFile('statefold-versions-');

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${++sequence}`;

const passing = (label: string) =>
  JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ran: label }, End: true } } });

async function createMachine(
  label: string,
  options: { publish?: boolean; versionDescription?: string; type?: 'EXPRESS' } = {},
): Promise<{ stateMachineArn: string; stateMachineVersionArn?: string }> {
  const created = await local.sfn.send(
    new CreateStateMachineCommand({
      name: unique('machine'),
      definition: passing(label),
      roleArn: ROLE,
      ...options,
    }),
  );
  return {
    stateMachineArn: created.stateMachineArn as string,
    ...(created.stateMachineVersionArn !== undefined
      ? { stateMachineVersionArn: created.stateMachineVersionArn }
      : {}),
  };
}

/** A machine with versions 1 and 2 (definitions `v1`, `v2`); its current revision is version 2's. */
async function machineWithTwoVersions(type?: 'EXPRESS') {
  const { stateMachineArn } = await createMachine('v1', { ...(type ? { type } : {}) });
  const v1 = await local.sfn.send(
    new PublishStateMachineVersionCommand({ stateMachineArn, description: 'first' }),
  );
  const updated = await local.sfn.send(
    new UpdateStateMachineCommand({
      stateMachineArn,
      definition: passing('v2'),
      publish: true,
      versionDescription: 'second',
    }),
  );
  return {
    stateMachineArn,
    v1: v1.stateMachineVersionArn as string,
    v2: updated.stateMachineVersionArn as string,
    revisionId: updated.revisionId as string,
  };
}

describe('versions', () => {
  it('publish on create, publish, idempotent publish, describe a version, list newest first', async () => {
    const { stateMachineArn, stateMachineVersionArn } = await createMachine('v1', {
      publish: true,
      versionDescription: 'the first',
    });
    expect(stateMachineVersionArn).toBe(`${stateMachineArn}:1`);
    const again = await local.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn }));
    expect(again.stateMachineVersionArn).toBe(`${stateMachineArn}:1`);

    const updated = await local.sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn, definition: passing('v2') }),
    );
    const v2 = await local.sfn.send(
      new PublishStateMachineVersionCommand({
        stateMachineArn,
        revisionId: updated.revisionId as string,
        description: 'the second',
      }),
    );
    expect(v2.stateMachineVersionArn).toBe(`${stateMachineArn}:2`);
    expect(v2.creationDate).toBeInstanceOf(Date);

    const first = await local.sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: `${stateMachineArn}:1` }),
    );
    expect(first).toMatchObject({
      stateMachineArn: `${stateMachineArn}:1`,
      definition: passing('v1'),
      description: 'the first',
      status: 'ACTIVE',
      type: 'STANDARD',
      roleArn: ROLE,
    });
    const machine = await local.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(machine).toMatchObject({
      stateMachineArn,
      definition: passing('v2'),
      revisionId: updated.revisionId,
    });
    expect(machine.description).toBeUndefined();
    expect(first.revisionId).not.toBe(updated.revisionId);

    const listed = await local.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn }));
    expect(listed.stateMachineVersions?.map((version) => version.stateMachineVersionArn)).toEqual([
      `${stateMachineArn}:2`,
      `${stateMachineArn}:1`,
    ]);
    expect(listed.nextToken).toBeUndefined();
  });

  it('update with publish and nothing else publishes the current revision once', async () => {
    const { stateMachineArn } = await createMachine('v1');
    const first = await local.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, publish: true }));
    const second = await local.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, publish: true }));
    expect(first.stateMachineVersionArn).toBe(`${stateMachineArn}:1`);
    expect(second.stateMachineVersionArn).toBe(`${stateMachineArn}:1`);
  });

  it('pages of versions; numbers are not reused after a deletion', async () => {
    const { stateMachineArn } = await createMachine('v0');
    for (let i = 1; i <= 5; i++) {
      await local.sfn.send(
        new UpdateStateMachineCommand({ stateMachineArn, definition: passing(`v${i}`), publish: true }),
      );
    }
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await local.sfn.send(
        new ListStateMachineVersionsCommand({ stateMachineArn, maxResults: 2, nextToken }),
      );
      expect(page.stateMachineVersions?.length).toBeLessThanOrEqual(2);
      seen.push(
        ...(page.stateMachineVersions ?? []).map((version) => version.stateMachineVersionArn as string),
      );
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(seen).toEqual([5, 4, 3, 2, 1].map((n) => `${stateMachineArn}:${n}`));

    await local.sfn.send(
      new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${stateMachineArn}:5` }),
    );
    // Deleting what is gone is no error.
    await local.sfn.send(
      new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${stateMachineArn}:5` }),
    );
    await local.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: passing('v6') }));
    const next = await local.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn }));
    expect(next.stateMachineVersionArn).toBe(`${stateMachineArn}:6`);

    const error = await thrown(
      local.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn, nextToken: 'not-a-token' })),
    );
    expect(error).toBeInstanceOf(InvalidToken);
  });

  it.each([
    [
      'a revision that is no longer current',
      { revisionId: 'stale' },
      ConflictException,
      /Failed to publish the State Machine version for revision stale/,
    ],
  ])('PublishStateMachineVersion refuses %s', async (_case, extra, type, message) => {
    const { stateMachineArn } = await createMachine('v1');
    const error = await thrown(
      local.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn, ...extra })),
    );
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  it('errors: a missing machine, a missing version, an alias ARN to DescribeStateMachine, a description without publish', async () => {
    const { stateMachineArn } = await createMachine('v1');
    const missing = `${stateMachineArn}-gone`;
    expect(
      await thrown(local.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: missing }))),
    ).toBeInstanceOf(StateMachineDoesNotExist);
    const noVersion = await thrown(
      local.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${stateMachineArn}:7` })),
    );
    expect(noVersion).toBeInstanceOf(StateMachineDoesNotExist);
    expect((noVersion as Error).message).toBe(`State Machine Does Not Exist: '${stateMachineArn}:7'`);
    expect(
      await thrown(local.sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}:7` }))),
    ).toBeInstanceOf(StateMachineDoesNotExist);
    // As AWS: a version is no machine to update.
    const update = await thrown(
      local.sfn.send(
        new UpdateStateMachineCommand({ stateMachineArn: `${stateMachineArn}:1`, definition: passing('x') }),
      ),
    );
    expect(update).toBeInstanceOf(StateMachineDoesNotExist);
    expect(
      await thrown(
        local.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${stateMachineArn}:PROD` })),
      ),
    ).toBeInstanceOf(InvalidArn);
    expect(
      await thrown(
        local.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: stateMachineArn })),
      ),
    ).toBeInstanceOf(InvalidArn);
    const description = await thrown(
      local.sfn.send(
        new UpdateStateMachineCommand({
          stateMachineArn,
          definition: passing('x'),
          versionDescription: 'no',
        }),
      ),
    );
    expect(description).toBeInstanceOf(ValidationException);
    expect((description as Error).message).toBe('Version description can only be set when publish is true');
  });
});

describe('aliases', () => {
  it('create (idempotent), describe, update, list in pages, delete', async () => {
    const { stateMachineArn, v1, v2 } = await machineWithTwoVersions();
    const routing = [{ stateMachineVersionArn: v1, weight: 100 }];
    const created = await local.sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'PROD',
        description: 'live',
        routingConfiguration: routing,
      }),
    );
    expect(created.stateMachineAliasArn).toBe(`${stateMachineArn}:PROD`);
    const again = await local.sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'PROD',
        description: 'live',
        routingConfiguration: routing,
      }),
    );
    expect(again.creationDate).toEqual(created.creationDate);
    const conflict = await thrown(
      local.sfn.send(
        new CreateStateMachineAliasCommand({
          name: 'PROD',
          description: 'live',
          routingConfiguration: [{ stateMachineVersionArn: v2, weight: 100 }],
        }),
      ),
    );
    expect(conflict).toBeInstanceOf(ConflictException);
    expect((conflict as Error).message).toBe(
      'Failed to create alias because an alias with the same name and a different routing configuration already exists.',
    );

    const aliasArn = created.stateMachineAliasArn as string;
    const described = await local.sfn.send(
      new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }),
    );
    expect(described).toMatchObject({
      stateMachineAliasArn: aliasArn,
      name: 'PROD',
      description: 'live',
      routingConfiguration: routing,
    });
    expect(described.updateDate).toBeInstanceOf(Date);

    const split = [
      { stateMachineVersionArn: v1, weight: 50 },
      { stateMachineVersionArn: v2, weight: 50 },
    ];
    const updated = await local.sfn.send(
      new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArn, routingConfiguration: split }),
    );
    expect(updated.updateDate).toBeInstanceOf(Date);
    expect(
      await local.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn })),
    ).toMatchObject({ description: 'live', routingConfiguration: split });

    for (const name of ['BETA', 'DEV']) {
      await local.sfn.send(
        new CreateStateMachineAliasCommand({
          name,
          routingConfiguration: [{ stateMachineVersionArn: v2, weight: 100 }],
        }),
      );
    }
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await local.sfn.send(
        new ListStateMachineAliasesCommand({ stateMachineArn, maxResults: 2, nextToken }),
      );
      names.push(...(page.stateMachineAliases ?? []).map((alias) => alias.stateMachineAliasArn as string));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(names).toEqual(['BETA', 'DEV', 'PROD'].map((name) => `${stateMachineArn}:${name}`));
    // Of a version ARN: the aliases that route to it.
    const ofV1 = await local.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: v1 }));
    expect(ofV1.stateMachineAliases?.map((alias) => alias.stateMachineAliasArn)).toEqual([aliasArn]);

    const referenced = await thrown(
      local.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: v1 })),
    );
    expect(referenced).toBeInstanceOf(ConflictException);
    expect((referenced as Error).message).toBe(
      'Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [PROD]',
    );

    await local.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    await local.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    const gone = await thrown(
      local.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn })),
    );
    expect(gone).toBeInstanceOf(ResourceNotFound);
    expect(
      await thrown(
        local.sfn.send(
          new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArn, description: 'x' }),
        ),
      ),
    ).toBeInstanceOf(ResourceNotFound);
    await local.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: v1 }));
  });

  it.each([
    [
      'an unqualified ARN',
      (m: Machine) => [{ stateMachineVersionArn: m.stateMachineArn, weight: 100 }],
      ValidationException,
      /^Routing configuration must contain state machine version ARNs\. Received: \[/,
    ],
    [
      'the same version twice',
      (m: Machine) => [
        { stateMachineVersionArn: m.v1, weight: 50 },
        { stateMachineVersionArn: m.v1, weight: 50 },
      ],
      ValidationException,
      /^Routing configuration must contain distinct state machine version ARNs/,
    ],
    [
      'weights that do not sum to 100',
      (m: Machine) => [
        { stateMachineVersionArn: m.v1, weight: 70 },
        { stateMachineVersionArn: m.v2, weight: 29 },
      ],
      ValidationException,
      /^Sum of routing configuration weights must equal 100\. Received: \[70, 29\]$/,
    ],
    [
      'three versions',
      (m: Machine) => [
        { stateMachineVersionArn: m.v1, weight: 50 },
        { stateMachineVersionArn: m.v2, weight: 30 },
        { stateMachineVersionArn: `${m.stateMachineArn}:3`, weight: 20 },
      ],
      ValidationException,
      /Member must have length less than or equal to 2$/,
    ],
    [
      'a weight over 100',
      (m: Machine) => [{ stateMachineVersionArn: m.v1, weight: 101 }],
      ValidationException,
      /Member must have value less than or equal to 100/,
    ],
    [
      'a version that does not exist',
      (m: Machine) => [{ stateMachineVersionArn: `${m.stateMachineArn}:9`, weight: 100 }],
      ResourceNotFound,
      /does not exist/,
    ],
  ])('CreateStateMachineAlias refuses %s', async (_case, routing, type, message) => {
    const machine = await machineWithTwoVersions();
    const error = await thrown(
      local.sfn.send(
        new CreateStateMachineAliasCommand({ name: 'PROD', routingConfiguration: routing(machine) }),
      ),
    );
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses an alias name of digits only', async () => {
    const { v1 } = await machineWithTwoVersions();
    const error = await thrown(
      local.sfn.send(
        new CreateStateMachineAliasCommand({
          name: '123',
          routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }],
        }),
      ),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toMatch(/Value '123' at 'name' failed to satisfy constraint/);
  });

  it('DeleteStateMachine deletes its versions and aliases', async () => {
    const { stateMachineArn, v1 } = await machineWithTwoVersions();
    await local.sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'PROD',
        routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }],
      }),
    );
    await local.sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));
    expect(
      await thrown(local.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: v1 }))),
    ).toBeInstanceOf(StateMachineDoesNotExist);
    expect(
      await thrown(
        local.sfn.send(
          new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${stateMachineArn}:PROD` }),
        ),
      ),
    ).toBeInstanceOf(ResourceNotFound);
    // A machine of the same name starts with no versions.
    const name = stateMachineArn.split(':').at(-1) as string;
    await local.sfn.send(new CreateStateMachineCommand({ name, definition: passing('new'), roleArn: ROLE }));
    const listed = await local.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn }));
    expect(listed.stateMachineVersions).toEqual([]);
  });
});

type Machine = Awaited<ReturnType<typeof machineWithTwoVersions>>;

describe('executions of versions and aliases', () => {
  it('a version ARN runs the version; an alias ARN runs its version; Describe and ListExecutions say which', async () => {
    const { stateMachineArn, v1, v2 } = await machineWithTwoVersions();
    const alias = await local.sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'PROD',
        routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }],
      }),
    );
    const aliasArn = alias.stateMachineAliasArn as string;

    const byVersion = await local.sfn.send(
      new StartExecutionCommand({ stateMachineArn: v1, name: 'by-version' }),
    );
    const byAlias = await local.sfn.send(
      new StartExecutionCommand({ stateMachineArn: aliasArn, name: 'by-alias' }),
    );
    const plain = await local.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'plain' }));
    expect(byVersion.executionArn).toBe(
      `${stateMachineArn.replace(':stateMachine:', ':execution:')}:by-version`,
    );

    const versionRun = await waitForClosedExecution(local.sfn, byVersion.executionArn as string);
    expect(versionRun).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"ran":"v1"}',
      stateMachineArn,
      stateMachineVersionArn: v1,
    });
    expect(versionRun.stateMachineAliasArn).toBeUndefined();
    const aliasRun = await waitForClosedExecution(local.sfn, byAlias.executionArn as string);
    expect(aliasRun).toMatchObject({
      output: '{"ran":"v1"}',
      stateMachineVersionArn: v1,
      stateMachineAliasArn: aliasArn,
    });
    const plainRun = await waitForClosedExecution(local.sfn, plain.executionArn as string);
    expect(plainRun).toMatchObject({ output: '{"ran":"v2"}' });
    expect(plainRun.stateMachineVersionArn).toBeUndefined();

    const history = await local.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: byAlias.executionArn as string, maxResults: 1 }),
    );
    expect(history.events?.[0]?.executionStartedEventDetails).toMatchObject({
      stateMachineVersionArn: v1,
      stateMachineAliasArn: aliasArn,
    });

    const forExecution = await local.sfn.send(
      new DescribeStateMachineForExecutionCommand({ executionArn: byVersion.executionArn as string }),
    );
    expect(forExecution).toMatchObject({ stateMachineArn, definition: passing('v1') });

    const ofVersion = await local.sfn.send(new ListExecutionsCommand({ stateMachineArn: v1 }));
    expect(ofVersion.executions?.map((execution) => execution.name).sort()).toEqual([
      'by-alias',
      'by-version',
    ]);
    expect(ofVersion.executions?.every((execution) => execution.stateMachineVersionArn === v1)).toBe(true);
    const ofAlias = await local.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: aliasArn, statusFilter: 'SUCCEEDED' }),
    );
    expect(ofAlias.executions?.map((execution) => execution.name)).toEqual(['by-alias']);
    expect(ofAlias.executions?.[0]).toMatchObject({ stateMachineAliasArn: aliasArn, status: 'SUCCEEDED' });
    const ofV2 = await local.sfn.send(new ListExecutionsCommand({ stateMachineArn: v2 }));
    expect(ofV2.executions).toEqual([]);
    expect(
      await thrown(local.sfn.send(new ListExecutionsCommand({ stateMachineArn: `${stateMachineArn}:NOPE` }))),
    ).toBeInstanceOf(ResourceNotFound);
    const all = await local.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(all.executions?.map((execution) => execution.name).sort()).toEqual([
      'by-alias',
      'by-version',
      'plain',
    ]);
  });

  it('an alias of two versions at 30/70 splits 200 starts by weight', async () => {
    const { v1, v2 } = await machineWithTwoVersions('EXPRESS');
    const alias = await local.sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'CANARY',
        routingConfiguration: [
          { stateMachineVersionArn: v1, weight: 30 },
          { stateMachineVersionArn: v2, weight: 70 },
        ],
      }),
    );
    const counts = { v1: 0, v2: 0 };
    for (let batch = 0; batch < 10; batch++) {
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          local.sfn.send(
            new StartSyncExecutionCommand({ stateMachineArn: alias.stateMachineAliasArn as string }),
          ),
        ),
      );
      for (const result of results) {
        expect(result.status).toBe('SUCCEEDED');
        counts[(JSON.parse(result.output as string) as { ran: 'v1' | 'v2' }).ran]++;
      }
    }
    // 200 draws at p = 0.3: mean 60, standard deviation 6.5; these bounds are more than 4 deviations wide.
    expect(counts.v1 + counts.v2).toBe(200);
    expect(counts.v1).toBeGreaterThan(32);
    expect(counts.v1).toBeLessThan(88);
  });

  it('the AWS CLI publishes a version and lists it', async () => {
    const { stateMachineArn } = await createMachine('cli');
    const published = await awsStepFunctions(
      local.server.endpoint,
      'publish-state-machine-version',
      '--state-machine-arn',
      stateMachineArn,
      '--description',
      'from the CLI',
    );
    expect(published.stateMachineVersionArn).toBe(`${stateMachineArn}:1`);
    const listed = await awsStepFunctions(
      local.server.endpoint,
      'list-state-machine-versions',
      '--state-machine-arn',
      stateMachineArn,
    );
    expect(listed.stateMachineVersions).toEqual([
      { stateMachineVersionArn: `${stateMachineArn}:1`, creationDate: expect.any(Number) },
    ]);
  });
});
