import { createDeclaredResources, type DeclaredResources } from '../composition/declared-resources.ts';
import { createEngineDeps } from '../composition/engine-endpoints.ts';
import { localLambdaClient } from '../composition/local-clients.ts';
import type { EngineDeps } from '../engine/engine-deps.ts';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../engine/environment-names.ts';
import type { Clock, Queues } from '../engine/ports.ts';
import { type ReconcileOptions, type ReconcileReport, Reconciler } from '../engine/reconcile.ts';
import { createStepHandler } from '../handlers/step-handler.ts';
import { createTaskHandler } from '../handlers/task-handler.ts';
import { createTimerHandler } from '../handlers/timer-handler.ts';
import { type LambdaHandler, LocalFunctions } from '../integrations/local-functions.ts';
import type { HttpIntegrationConfig } from '../integrations/sdk-clients.ts';
import { SdkServiceCalls } from '../integrations/service-calls.ts';
import { type Poller, type SqsBatchHandler, startPoller } from '../queue/event-source-poller.ts';
import { type MockConfig, mockedResponsesOf } from '../testing/mock-config.ts';
import { downtimeAwareQueues, downtimeShift, UptimeLedger } from './downtime.ts';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from './embedded-dynamodb.ts';
import { type EmbeddedSqs, startEmbeddedSqs } from './embedded-sqs.ts';
import { type LambdaServer, startLambdaServer } from './lambda-server.ts';

/**
 * The durable engine in one process: an embedded DynamoDB and SQS, a Lambda endpoint over local handler
 * modules, and pollers that feed each queue to the very handlers that run on AWS (functions/step, task,
 * timer), as Lambda's event source mappings would. Only the endpoints differ from a deployment.
 */
export interface LocalEngineOptions {
  /** Persist the table and the queues under this folder (memory only when absent). */
  dataDir?: string;
  functions?: Record<string, LambdaHandler>;
  region?: string;
  accountId?: string;
  /** Seconds a received message stays hidden before SQS delivers it again (default 30). */
  visibilityTimeout?: number;
  maxReceiveCount?: number;
  /** Long-poll seconds of each receive (default 1). */
  waitTimeSeconds?: number;
  /** Seconds a local Lambda function may run (default 900, Lambda's maximum). */
  functionTimeoutSeconds?: number;
  /** Task requests handled at once (default 8: Lambda would scale the task handler out). */
  taskConcurrency?: number;
  /** A clock other than the system's (the tests' virtual clock). */
  clock?: Clock;
  /** Replaces the queues the engine sends to (a test puts its timers on a virtual clock). */
  wrapQueues?: (queues: Queues) => Queues;
  /**
   * Task states' service integrations: endpoints by SDK service name (`dynamodb`, `sqs`, `sns`, `s3`,
   * `eventbridge` …) over the embedded emulators' (DynamoDB on dynalite; SQS, SNS and S3 on fauxqs), or
   * `aws` for AWS's own. A service with no endpoint fails its Tasks with States.TaskFailed.
   */
  integrations?: LocalIntegrations;
  /** Seconds GetActivityTask waits for a task before answering with none (default 60, as AWS). */
  activityPollSeconds?: number;
  /** Milliseconds between two looks at an activity's queue while GetActivityTask waits (default 100). */
  activityPollIntervalMs?: number;
  /**
   * The reconciler (shared/engine/reconcile.ts): its thresholds, and how often it sweeps (`intervalMs`; no
   * timer without it: `sweep()` runs one on demand).
   */
  reconcile?: ReconcileOptions & { intervalMs?: number };
  /** A MockConfigFile's test cases, which StartExecution on `<arn>#<TestCase>` runs. */
  mocks?: MockConfig;
  /**
   * Days a closed execution is kept before DynamoDB's TTL may delete it: the TTL attribute is written on its
   * items, as the stack's `retentionDays` has it (none by default: local data is kept).
   */
  retentionDays?: number;
  /**
   * With a data folder: heartbeats and task timeouts count the engine's running time, not its downtime
   * (shared/local/downtime.ts). How often the engine stamps that it runs, in ms (default 2,000).
   */
  uptimeIntervalMs?: number;
  /** The data folder was deleted while the engine ran (looked at every `uptimeIntervalMs`). */
  onDataFolderLost?: (dataDir: string) => void;
  /** The largest file a Distributed Map's ResultWriter writes before its next (default AWS's 5 GB). */
  resultFileBytes?: number;
  /** Wraps each handler (a test injects crashes or counts deliveries). */
  wrapHandler?: (queue: 'transitions' | 'tasks' | 'timers', handler: SqsBatchHandler) => SqsBatchHandler;
}

/** Where the integrations go, and what to create there at start. */
export interface LocalIntegrations extends DeclaredResources {
  endpoints?: Readonly<Record<string, string>>;
  /** HTTP Tasks (`http:invoke`): the hosts they may call and the connections they sign with. */
  http?: HttpIntegrationConfig;
}

export interface LocalEngine {
  deps: EngineDeps;
  /** Each service integration's endpoint, the embedded ones first (what the server prints). */
  serviceEndpoints: Readonly<Record<string, string>>;
  dynamodb: EmbeddedDynamoDB;
  sqs: EmbeddedSqs;
  lambdaServer: LambdaServer;
  pollers: { transitions: Poller; tasks: Poller; timers: Poller };
  /** Answers every waiting GetActivityTask at once with no task (before a stop: no poll holds it up). */
  endActivityPolls(): void;
  reconciler: Reconciler;
  /** One reconciler sweep now (the timer's sweeps skip while one runs). */
  sweep(): Promise<ReconcileReport>;
  /** Serve these local Lambda functions from now on. */
  setFunctions(functions: Record<string, LambdaHandler>): void;
  stop(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startLocalEngine(options: LocalEngineOptions = {}): Promise<LocalEngine> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const maxReceiveCount = options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
  const registry = (functions: Record<string, LambdaHandler>) =>
    new LocalFunctions(functions, region, accountId);
  const dynamodb = await startEmbeddedDynamoDB(
    options.dataDir !== undefined ? { path: `${options.dataDir}/dynamodb` } : {},
  );
  const sqs = await startEmbeddedSqs({
    ...(options.dataDir !== undefined ? { dataDir: `${options.dataDir}/sqs` } : {}),
    visibilityTimeout: options.visibilityTimeout ?? 30,
    maxReceiveCount,
  });
  const lambdaServer = await startLambdaServer({
    functions: registry(options.functions ?? {}),
    ...(options.functionTimeoutSeconds !== undefined
      ? { functionTimeoutSeconds: options.functionTimeoutSeconds }
      : {}),
  });
  const lambda = localLambdaClient(lambdaServer.endpoint, region);
  const serviceEndpoints: Record<string, string> = {
    dynamodb: dynamodb.endpoint,
    sqs: sqs.endpoint,
    sns: sqs.endpoint,
    s3: sqs.endpoint,
    ...options.integrations?.endpoints,
  };
  const activityPolls = new AbortController();
  const deps = createEngineDeps({
    region,
    accountId,
    ...(options.activityPollSeconds !== undefined
      ? { activityPollSeconds: options.activityPollSeconds }
      : {}),
    activityPollIntervalMs: options.activityPollIntervalMs ?? 100,
    activitySignal: activityPolls.signal,
    tableName: dynamodb.tableName,
    ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
    queueUrls: sqs.urls,
    dynamodb: dynamodb.client,
    sqs: sqs.client,
    lambda,
    localLambda: true,
    integrations: {
      region,
      endpoints: serviceEndpoints,
      requireEndpoint: true,
      credentials: LOCAL_CREDENTIALS,
      ...(options.integrations?.http !== undefined ? { http: options.integrations.http } : {}),
    },
  });
  if (options.clock) deps.clock = options.clock;
  if (options.mocks) deps.mocks = mockedResponsesOf(options.mocks);
  if (options.resultFileBytes !== undefined) deps.resultFileBytes = options.resultFileBytes;
  const clock = deps.clock;
  const ledger =
    options.dataDir === undefined
      ? undefined
      : UptimeLedger.open({
          dataDir: options.dataDir,
          clock,
          ...(options.uptimeIntervalMs !== undefined ? { intervalMs: options.uptimeIntervalMs } : {}),
          ...(options.onDataFolderLost ? { onDataFolderLost: options.onDataFolderLost } : {}),
        });
  if (ledger) deps.queues = downtimeAwareQueues(deps.queues, () => ledger.downtimes, clock);
  if (options.wrapQueues) deps.queues = options.wrapQueues(deps.queues);

  const wrap = options.wrapHandler ?? ((_queue, handler) => handler);
  const waitTimeSeconds = options.waitTimeSeconds ?? 1;
  const poll = (queue: 'transitions' | 'tasks' | 'timers', handler: SqsBatchHandler, concurrency: number) =>
    startPoller({
      client: sqs.client,
      queueUrl: sqs.urls[queue],
      handler: wrap(queue, handler),
      waitTimeSeconds,
      concurrency,
      functionName: `statefold-${queue}`,
    });
  const pollers = {
    transitions: await poll(
      'transitions',
      createStepHandler(() => deps, maxReceiveCount) as SqsBatchHandler,
      2,
    ),
    tasks: await poll(
      'tasks',
      createTaskHandler(() => deps) as SqsBatchHandler,
      options.taskConcurrency ?? 8,
    ),
    timers: await poll('timers', createTimerHandler(() => deps) as SqsBatchHandler, 1),
  };
  const reconciler = new Reconciler(deps, {
    ...options.reconcile,
    ...(ledger
      ? {
          runningTimeShift: (armedAt: number, dueAt: number) =>
            downtimeShift(ledger.downtimes, armedAt, dueAt),
        }
      : {}),
  });
  let sweeping: Promise<ReconcileReport> | undefined;
  const sweep = () => {
    sweeping ??= reconciler.sweep().finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  };
  const intervalMs = options.reconcile?.intervalMs;
  const sweepTimer =
    intervalMs === undefined
      ? undefined
      : setInterval(() => {
          if (sweeping) return;
          sweep().catch((error: unknown) =>
            console.error(
              `statefold local server: the reconciler's sweep failed: ${(error as Error).message}`,
            ),
          );
        }, intervalMs);
  sweepTimer?.unref();
  const engine: LocalEngine = {
    deps,
    reconciler,
    sweep,
    serviceEndpoints,
    dynamodb,
    sqs,
    lambdaServer,
    pollers,
    endActivityPolls() {
      activityPolls.abort();
    },
    setFunctions(functions) {
      lambdaServer.setFunctions(registry(functions));
    },
    async stop() {
      activityPolls.abort();
      clearInterval(sweepTimer);
      await sweeping?.catch(() => undefined);
      await Promise.all(Object.values(pollers).map((poller) => poller.stop()));
      lambda.destroy();
      if (deps.services instanceof SdkServiceCalls) deps.services.destroy();
      await lambdaServer.stop();
      await sqs.stop();
      await dynamodb.stop();
      ledger?.close();
    },
  };
  if (options.integrations) {
    try {
      await createDeclaredResources(options.integrations, serviceEndpoints, region);
    } catch (error) {
      await engine.stop();
      throw new Error(`Creating the config's integration resources failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return engine;
}
