import type { EngineDeps } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import {
  ALIAS_NAME,
  parseQualifiedStateMachineArn,
  type StateMachineQualifier,
  stateMachineAliasArnOf,
  stateMachineDoesNotExist,
  stateMachineVersionArnOf,
} from './names.ts';
import { pageSize } from './page-size.ts';
import type {
  RoutingConfigurationItem,
  StateMachineAliasRecord,
  StateMachineRecord,
  StateMachineVersionRecord,
  VersionStore,
} from './ports.ts';

/**
 * Versions and aliases of state machines, as AWS Step Functions has them: a version is an immutable, numbered
 * pointer to one revision (`…:stateMachine:<name>:<n>`); an alias (`…:stateMachine:<name>:<alias>`) routes
 * executions to one version or splits them between two by weight.
 */

/** AWS's quotas: versions and aliases per state machine. */
export const MAX_VERSIONS = 1000;
export const MAX_ALIASES = 100;
/** Publishing races for a version number: how many times a publish tries before it answers ConflictException. */
const PUBLISH_ATTEMPTS = 3;

function versionStore(deps: EngineDeps): VersionStore {
  if (!deps.versions) {
    throw new EngineError('ValidationException', 'This Statefold deployment has no version store');
  }
  return deps.versions;
}

/** AWS's answer for an alias (or a version in a routing configuration) that does not exist. */
function resourceNotFound(arn: string): EngineError {
  return new EngineError('ResourceNotFound', 'Request references a resource that does not exist.', {
    resourceName: arn,
  });
}

function invalidArn(arn: string): EngineError {
  return new EngineError('InvalidArn', `Invalid Arn: '${arn}'`);
}

/** An ARN that must name a machine itself (not a version or an alias); its machine, which must exist. */
async function requireUnqualifiedMachine(deps: EngineDeps, arn: string): Promise<StateMachineRecord> {
  const parsed = parseQualifiedStateMachineArn(arn);
  if (parsed.qualifier) throw invalidArn(arn);
  const machine = await deps.log.getStateMachine(arn);
  if (!machine) throw stateMachineDoesNotExist(arn);
  return machine;
}

function parseVersionArn(arn: string): { stateMachineArn: string; version: number } {
  const parsed = parseQualifiedStateMachineArn(arn);
  if (parsed.qualifier?.kind !== 'version') throw invalidArn(arn);
  return { stateMachineArn: parsed.stateMachineArn, version: parsed.qualifier.version };
}

function parseAliasArn(arn: string): { stateMachineArn: string; alias: string } {
  const parsed = parseQualifiedStateMachineArn(arn);
  if (parsed.qualifier?.kind !== 'alias') throw invalidArn(arn);
  return { stateMachineArn: parsed.stateMachineArn, alias: parsed.qualifier.alias };
}

function versionArnOf(version: StateMachineVersionRecord): string {
  return stateMachineVersionArnOf(version.stateMachineArn, version.version);
}

function aliasArnOf(alias: StateMachineAliasRecord): string {
  return stateMachineAliasArnOf(alias.stateMachineArn, alias.name);
}

// ─── Versions ─────────────────────────────────────────────────────────────────────────────────────────────

/**
 * PublishStateMachineVersion (and `publish: true` on CreateStateMachine/UpdateStateMachine): a version of the
 * machine's current revision. Idempotent as AWS's is: when the newest version already is that revision, it is
 * the answer. `revisionId` (when given) must be the current revision (`INITIAL`: the machine was never updated).
 */
export async function publishStateMachineVersion(
  deps: EngineDeps,
  request: { stateMachineArn: string; revisionId?: string; description?: string },
  /** The machine's record when the caller has just read or written it (create or update with `publish`). */
  current?: StateMachineRecord,
): Promise<{ stateMachineVersionArn: string; creationDate: Date }> {
  const store = versionStore(deps);
  const machine = current ?? (await requireUnqualifiedMachine(deps, request.stateMachineArn));
  const expected = request.revisionId;
  if (expected !== undefined) {
    const matches =
      expected === 'INITIAL' ? machine.updateDate === machine.creationDate : expected === machine.revisionId;
    if (!matches) {
      throw new EngineError(
        'ConflictException',
        `Failed to publish the State Machine version for revision ${expected}. The current State Machine revision is ${machine.revisionId}.`,
      );
    }
  }
  for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
    const { newest, lastNumber } = await store.newestVersion(machine.stateMachineArn);
    if (newest && newest.revisionId === machine.revisionId) {
      return { stateMachineVersionArn: versionArnOf(newest), creationDate: new Date(newest.creationDate) };
    }
    // Numbers are never reused, so a machine has at most `lastNumber` versions: only then are they counted.
    if (lastNumber >= MAX_VERSIONS && (await store.countVersions(machine.stateMachineArn)) >= MAX_VERSIONS) {
      throw new EngineError(
        'ServiceQuotaExceededException',
        `Failed to publish a version of state machine '${machine.stateMachineArn}': it has ${MAX_VERSIONS} versions, the most it can have. Delete unused versions with DeleteStateMachineVersion.`,
      );
    }
    const version: StateMachineVersionRecord = {
      stateMachineArn: machine.stateMachineArn,
      version: lastNumber + 1,
      revisionId: machine.revisionId,
      creationDate: deps.clock.now(),
      ...(request.description !== undefined ? { description: request.description } : {}),
      ...(machine.loggingConfiguration !== undefined
        ? { loggingConfiguration: machine.loggingConfiguration }
        : {}),
      ...(machine.tracingConfiguration !== undefined
        ? { tracingConfiguration: machine.tracingConfiguration }
        : {}),
    };
    if (await store.createVersion(version)) {
      return { stateMachineVersionArn: versionArnOf(version), creationDate: new Date(version.creationDate) };
    }
  }
  throw new EngineError(
    'ConflictException',
    `Failed to publish a version of state machine '${machine.stateMachineArn}': concurrent publishes; try again`,
  );
}

export async function listStateMachineVersions(
  deps: EngineDeps,
  request: { stateMachineArn: string; maxResults?: number; nextToken?: string },
): Promise<{
  stateMachineVersions: Array<{ stateMachineVersionArn: string; creationDate: Date }>;
  nextToken?: string;
}> {
  const store = versionStore(deps);
  const parsed = parseQualifiedStateMachineArn(request.stateMachineArn);
  if (parsed.qualifier) throw invalidArn(request.stateMachineArn);
  const page = await store.listVersions(parsed.stateMachineArn, {
    limit: pageSize(request.maxResults),
    ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
  });
  return {
    stateMachineVersions: page.items.map((version) => ({
      stateMachineVersionArn: versionArnOf(version),
      creationDate: new Date(version.creationDate),
    })),
    ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
  };
}

/** DeleteStateMachineVersion: refused while an alias routes to the version; a version that is gone is no error. */
export async function deleteStateMachineVersion(
  deps: EngineDeps,
  request: { stateMachineVersionArn: string },
): Promise<void> {
  const store = versionStore(deps);
  const { stateMachineArn, version } = parseVersionArn(request.stateMachineVersionArn);
  const referencing = (await allAliases(store, stateMachineArn))
    .filter((alias) =>
      alias.routingConfiguration.some(
        (route) => route.stateMachineVersionArn === request.stateMachineVersionArn,
      ),
    )
    .map((alias) => alias.name);
  if (referencing.length > 0) {
    throw new EngineError(
      'ConflictException',
      `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${referencing.join(', ')}]`,
    );
  }
  await store.deleteVersion(stateMachineArn, version);
}

async function allAliases(store: VersionStore, stateMachineArn: string): Promise<StateMachineAliasRecord[]> {
  const aliases: StateMachineAliasRecord[] = [];
  let nextToken: string | undefined;
  do {
    const page = await store.listAliases(stateMachineArn, {
      limit: MAX_ALIASES,
      ...(nextToken !== undefined ? { nextToken } : {}),
    });
    aliases.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return aliases;
}

// ─── Aliases ──────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A routing configuration as AWS checks it: version ARNs (distinct, of one machine, that exist) with weights
 * summing to 100. Returns the machine they belong to.
 */
async function checkRoutingConfiguration(
  deps: EngineDeps,
  routing: readonly RoutingConfigurationItem[],
): Promise<string> {
  const store = versionStore(deps);
  if (routing.length < 1 || routing.length > 2) {
    const value = routing
      .map(
        (route) =>
          `RoutingConfigurationListItem(stateMachineVersionArn=${route.stateMachineVersionArn}, weight=${route.weight})`,
      )
      .join(', ');
    const bound = routing.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 2';
    throw new EngineError(
      'ValidationException',
      `1 validation error detected: Value '[${value}]' at 'routingConfiguration' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  const arns = routing.map((route) => route.stateMachineVersionArn);
  const parsed = arns.map((arn) => {
    try {
      return parseQualifiedStateMachineArn(arn);
    } catch {
      return undefined;
    }
  });
  if (parsed.some((one) => one?.qualifier?.kind !== 'version')) {
    throw new EngineError(
      'ValidationException',
      `Routing configuration must contain state machine version ARNs. Received: [${arns.join(', ')}]`,
    );
  }
  if (new Set(arns).size !== arns.length) {
    throw new EngineError(
      'ValidationException',
      `Routing configuration must contain distinct state machine version ARNs. Received: [${arns.join(', ')}]`,
    );
  }
  const machines = new Set(parsed.map((one) => one?.stateMachineArn));
  if (machines.size !== 1) {
    throw new EngineError(
      'ValidationException',
      `Routing configuration must contain versions of the same state machine. Received: [${arns.join(', ')}]`,
    );
  }
  const weights = routing.map((route) => route.weight);
  if (weights.reduce((sum, weight) => sum + weight, 0) !== 100) {
    throw new EngineError(
      'ValidationException',
      `Sum of routing configuration weights must equal 100. Received: [${weights.join(', ')}]`,
    );
  }
  const stateMachineArn = [...machines][0] as string;
  for (const one of parsed) {
    const qualifier = one?.qualifier as Extract<StateMachineQualifier, { kind: 'version' }>;
    if (!(await store.getVersion(stateMachineArn, qualifier.version))) {
      throw resourceNotFound(stateMachineVersionArnOf(stateMachineArn, qualifier.version));
    }
  }
  return stateMachineArn;
}

function checkAliasName(name: string): void {
  if (!ALIAS_NAME.test(name)) {
    throw new EngineError(
      'ValidationException',
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$`,
    );
  }
}

const sameRouting = (a: readonly RoutingConfigurationItem[], b: readonly RoutingConfigurationItem[]) =>
  a.length === b.length &&
  a.every(
    (route, i) =>
      route.stateMachineVersionArn === b[i]?.stateMachineVersionArn && route.weight === b[i]?.weight,
  );

/** CreateStateMachineAlias; idempotent for the same name, description and routing configuration. */
export async function createStateMachineAlias(
  deps: EngineDeps,
  request: { name: string; description?: string; routingConfiguration: RoutingConfigurationItem[] },
): Promise<{ stateMachineAliasArn: string; creationDate: Date }> {
  const store = versionStore(deps);
  checkAliasName(request.name);
  const routing = request.routingConfiguration.map((route) => ({
    stateMachineVersionArn: route.stateMachineVersionArn,
    weight: route.weight,
  }));
  const stateMachineArn = await checkRoutingConfiguration(deps, routing);
  const stateMachineAliasArn = stateMachineAliasArnOf(stateMachineArn, request.name);
  const existing = await store.getAlias(stateMachineArn, request.name);
  if (!existing && (await store.countAliases(stateMachineArn)) >= MAX_ALIASES) {
    throw new EngineError(
      'ServiceQuotaExceededException',
      `Failed to create alias: state machine '${stateMachineArn}' has ${MAX_ALIASES} aliases, the most it can have.`,
    );
  }
  const now = deps.clock.now();
  const alias: StateMachineAliasRecord = {
    stateMachineArn,
    name: request.name,
    routingConfiguration: routing,
    creationDate: now,
    updateDate: now,
    ...(request.description !== undefined ? { description: request.description } : {}),
  };
  if (!existing && (await store.createAlias(alias))) {
    return { stateMachineAliasArn, creationDate: new Date(now) };
  }
  // The name is taken (before this call, or by a concurrent one): the same alias again is the answer.
  const current = existing ?? (await store.getAlias(stateMachineArn, request.name));
  if (
    current &&
    current.description === request.description &&
    sameRouting(current.routingConfiguration, routing)
  ) {
    return { stateMachineAliasArn, creationDate: new Date(current.creationDate) };
  }
  throw new EngineError(
    'ConflictException',
    'Failed to create alias because an alias with the same name and a different routing configuration already exists.',
  );
}

async function requireAlias(deps: EngineDeps, arn: string): Promise<StateMachineAliasRecord> {
  const { stateMachineArn, alias } = parseAliasArn(arn);
  const record = await versionStore(deps).getAlias(stateMachineArn, alias);
  if (!record) throw resourceNotFound(arn);
  return record;
}

export async function describeStateMachineAlias(
  deps: EngineDeps,
  request: { stateMachineAliasArn: string },
): Promise<{
  stateMachineAliasArn: string;
  name: string;
  description?: string;
  routingConfiguration: RoutingConfigurationItem[];
  creationDate: Date;
  updateDate: Date;
}> {
  const alias = await requireAlias(deps, request.stateMachineAliasArn);
  return {
    stateMachineAliasArn: aliasArnOf(alias),
    name: alias.name,
    ...(alias.description !== undefined ? { description: alias.description } : {}),
    routingConfiguration: alias.routingConfiguration,
    creationDate: new Date(alias.creationDate),
    updateDate: new Date(alias.updateDate),
  };
}

export async function updateStateMachineAlias(
  deps: EngineDeps,
  request: {
    stateMachineAliasArn: string;
    description?: string;
    routingConfiguration?: RoutingConfigurationItem[];
  },
): Promise<{ updateDate: Date }> {
  if (request.description === undefined && request.routingConfiguration === undefined) {
    throw new EngineError(
      'ValidationException',
      'Either the description or the routingConfiguration must be specified',
    );
  }
  const alias = await requireAlias(deps, request.stateMachineAliasArn);
  let routing = alias.routingConfiguration;
  if (request.routingConfiguration !== undefined) {
    routing = request.routingConfiguration.map((route) => ({
      stateMachineVersionArn: route.stateMachineVersionArn,
      weight: route.weight,
    }));
    const machine = await checkRoutingConfiguration(deps, routing);
    if (machine !== alias.stateMachineArn) {
      throw new EngineError(
        'ValidationException',
        `Routing configuration must contain versions of state machine '${alias.stateMachineArn}'. Received: [${routing.map((route) => route.stateMachineVersionArn).join(', ')}]`,
      );
    }
  }
  const updated: StateMachineAliasRecord = {
    ...alias,
    routingConfiguration: routing,
    updateDate: deps.clock.now(),
  };
  if (request.description !== undefined) updated.description = request.description;
  if (!(await versionStore(deps).updateAlias(updated))) throw resourceNotFound(request.stateMachineAliasArn);
  return { updateDate: new Date(updated.updateDate) };
}

/** DeleteStateMachineAlias; an alias that is gone is no error (as AWS). */
export async function deleteStateMachineAlias(
  deps: EngineDeps,
  request: { stateMachineAliasArn: string },
): Promise<void> {
  const { stateMachineArn, alias } = parseAliasArn(request.stateMachineAliasArn);
  await versionStore(deps).deleteAlias(stateMachineArn, alias);
}

/** ListStateMachineAliases of a machine, or (given a version ARN) the aliases that route to that version. */
export async function listStateMachineAliases(
  deps: EngineDeps,
  request: { stateMachineArn: string; maxResults?: number; nextToken?: string },
): Promise<{
  stateMachineAliases: Array<{ stateMachineAliasArn: string; creationDate: Date }>;
  nextToken?: string;
}> {
  const store = versionStore(deps);
  const parsed = parseQualifiedStateMachineArn(request.stateMachineArn);
  if (parsed.qualifier?.kind === 'alias') throw invalidArn(request.stateMachineArn);
  await requireQualifier(deps, request.stateMachineArn);
  const page = await store.listAliases(parsed.stateMachineArn, {
    limit: pageSize(request.maxResults),
    ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
  });
  const items =
    parsed.qualifier === undefined
      ? page.items
      : page.items.filter((alias) =>
          alias.routingConfiguration.some(
            (route) => route.stateMachineVersionArn === request.stateMachineArn,
          ),
        );
  return {
    stateMachineAliases: items.map((alias) => ({
      stateMachineAliasArn: aliasArnOf(alias),
      creationDate: new Date(alias.creationDate),
    })),
    ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
  };
}

// ─── What a qualified ARN runs ────────────────────────────────────────────────────────────────────────────

/**
 * A listing's machine ARN, perhaps qualified by a version or an alias: its machine must exist
 * (StateMachineDoesNotExist), and so must the version or alias it names (ResourceNotFound).
 */
export async function requireQualifier(
  deps: EngineDeps,
  arn: string,
): Promise<ReturnType<typeof parseQualifiedStateMachineArn>> {
  const parsed = parseQualifiedStateMachineArn(arn);
  if (!(await deps.log.getStateMachine(parsed.stateMachineArn))) throw stateMachineDoesNotExist(arn);
  const named = parsed.qualifier;
  if (named === undefined) return parsed;
  const store = versionStore(deps);
  const exists =
    named.kind === 'version'
      ? await store.getVersion(parsed.stateMachineArn, named.version)
      : await store.getAlias(parsed.stateMachineArn, named.alias);
  if (!exists) throw resourceNotFound(arn);
  return parsed;
}

export interface StartTarget {
  machine: StateMachineRecord;
  revisionId: string;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
}

/**
 * Resolves StartExecution's `stateMachineArn`: the machine's current revision, a version's, or (for an alias)
 * the version its routing picks, at random by weight (`deps.random`, so a test can pin it).
 */
/** The machine, revision and qualifiers an execution started on `arn` (a machine, version or alias ARN) runs. */
export async function resolveStartTarget(deps: EngineDeps, arn: string): Promise<StartTarget> {
  const parsed = parseQualifiedStateMachineArn(arn);
  const machine = await deps.log.getStateMachine(parsed.stateMachineArn);
  if (!machine) throw stateMachineDoesNotExist(arn);
  const qualifier = parsed.qualifier;
  if (qualifier === undefined) return { machine, revisionId: machine.revisionId };
  const store = versionStore(deps);
  if (qualifier.kind === 'version') {
    const version = await store.getVersion(machine.stateMachineArn, qualifier.version);
    if (!version) throw stateMachineDoesNotExist(arn);
    return { machine, revisionId: version.revisionId, stateMachineVersionArn: arn };
  }
  const alias = await store.getAlias(machine.stateMachineArn, qualifier.alias);
  if (!alias) throw stateMachineDoesNotExist(arn);
  const route = pickRoute(alias.routingConfiguration, (deps.random ?? Math.random)());
  const { version: number } = parseVersionArn(route.stateMachineVersionArn);
  const version = await store.getVersion(machine.stateMachineArn, number);
  if (!version) throw stateMachineDoesNotExist(route.stateMachineVersionArn);
  return {
    machine,
    revisionId: version.revisionId,
    stateMachineVersionArn: route.stateMachineVersionArn,
    stateMachineAliasArn: arn,
  };
}

/** The route a draw in [0, 1) falls on, each taking `weight` percent of the range in order. */
export function pickRoute(
  routing: readonly RoutingConfigurationItem[],
  draw: number,
): RoutingConfigurationItem {
  let bound = 0;
  for (const route of routing) {
    bound += route.weight / 100;
    if (draw < bound) return route;
  }
  const last = routing.at(-1);
  if (!last) throw new EngineError('ValidationException', 'An alias needs a routing configuration');
  return last;
}

/** DescribeStateMachine of a version ARN: the version's revision, description and creation date. */
export async function requireVersion(
  deps: EngineDeps,
  arn: string,
): Promise<StateMachineVersionRecord & { machine: StateMachineRecord }> {
  const { stateMachineArn, version } = parseVersionArn(arn);
  const machine = await deps.log.getStateMachine(stateMachineArn);
  const record = machine && (await versionStore(deps).getVersion(stateMachineArn, version));
  if (!machine || !record) throw stateMachineDoesNotExist(arn);
  return { ...record, machine };
}
