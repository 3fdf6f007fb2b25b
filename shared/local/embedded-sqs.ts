import { Server } from 'node:net';
import { startFauxqs } from 'fauxqs';
import { type LocalSqsClient, localSqsClient } from '../composition/local-clients.ts';
import { ensureQueue, queueArnOf } from '../queue/queue-setup.ts';
import './fauxqs-fifo-groups.ts';
import type { QueueUrls } from '../queue/sqs-queues.ts';

/**
 * The engine's queues in this process: fauxqs (an SQS emulator) on a free port, with the three queues and
 * their dead-letter queues created as the CDK stack creates them on AWS. It listens on 127.0.0.1 only:
 * it checks no credentials, so anyone who reached it could read, send or purge the engine's messages.
 */

export interface EmbeddedSqsOptions {
  /** Keep queues and messages in SQLite under this folder, across restarts. */
  dataDir?: string;
  /** Seconds a received message stays hidden (default 30). */
  visibilityTimeout?: number;
  /** Receives before a message moves to its dead-letter queue (default 5). */
  maxReceiveCount?: number;
  /** Prepended to every queue name. */
  prefix?: string;
}

export interface EmbeddedSqs {
  endpoint: string;
  /** Where the emulator listens, as it reports it (`http://127.0.0.1:<port>`). */
  listenAddress: string;
  client: LocalSqsClient;
  urls: QueueUrls;
  dlqUrls: QueueUrls;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';

/** Queue name suffixes: the transitions queue is FIFO, so its name and its DLQ's end in `.fifo`. */
const QUEUES: Record<keyof QueueUrls, { name: string; dlq: string; fifo: boolean }> = {
  transitions: { name: 'transitions.fifo', dlq: 'transitions-dlq.fifo', fifo: true },
  tasks: { name: 'tasks', dlq: 'tasks-dlq', fifo: false },
  timers: { name: 'timers', dlq: 'timers-dlq', fifo: false },
};

export async function startEmbeddedSqs(options: EmbeddedSqsOptions = {}): Promise<EmbeddedSqs> {
  const server = await onLoopbackOnly(() =>
    withRelaxedSync(() =>
      startFauxqs({
        port: 0,
        logger: false,
        ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      }),
    ),
  );
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = localSqsClient(endpoint, REGION);
  const prefix = options.prefix ?? '';
  const visibilityTimeout = String(options.visibilityTimeout ?? 30);
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  try {
    const urls: Partial<QueueUrls> = {};
    const dlqUrls: Partial<QueueUrls> = {};
    for (const [key, queue] of Object.entries(QUEUES) as [
      keyof QueueUrls,
      (typeof QUEUES)[keyof QueueUrls],
    ][]) {
      const fifo: Record<string, string> = queue.fifo
        ? { FifoQueue: 'true', ContentBasedDeduplication: 'false' }
        : {};
      const dlqUrl = await ensureQueue(client, `${prefix}${queue.dlq}`, fifo, {});
      const dlqArn = await queueArnOf(client, dlqUrl);
      dlqUrls[key] = dlqUrl;
      urls[key] = await ensureQueue(client, `${prefix}${queue.name}`, fifo, {
        VisibilityTimeout: visibilityTimeout,
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
      });
    }
    return {
      endpoint,
      listenAddress: server.address,
      client,
      urls: urls as QueueUrls,
      dlqUrls: dlqUrls as QueueUrls,
      async stop() {
        client.destroy();
        await server.stop();
      },
    };
  } catch (error) {
    client.destroy();
    await server.stop();
    throw error;
  }
}

/**
 * fauxqs writes every send, receive and delete to SQLite as it happens, in WAL mode with SQLite's default
 * `synchronous = FULL`: an fsync per message operation, on the event loop, was the largest single cost of a
 * local step. `NORMAL` (SQLite's advice for WAL) still survives the process crashing or being killed; only
 * an operating-system crash may lose the last operations, which a local server can afford. fauxqs opens its
 * database while it starts and offers no setting for this, so the pragma follows its own, for that moment.
 */
async function withRelaxedSync<T>(start: () => Promise<T>): Promise<T> {
  const { DatabaseSync } = await import('node:sqlite');
  const exec = DatabaseSync.prototype.exec;
  DatabaseSync.prototype.exec = function (this: InstanceType<typeof DatabaseSync>, sql: string) {
    exec.call(this, sql);
    if (/^PRAGMA journal_mode\s*=\s*WAL$/i.test(sql.trim())) exec.call(this, 'PRAGMA synchronous = NORMAL');
  };
  try {
    return await start();
  } finally {
    DatabaseSync.prototype.exec = exec;
  }
}

/**
 * fauxqs listens on every interface whatever its `host` option says (that option only names the host in
 * its queue URLs): it calls Fastify's `listen` with host 0.0.0.0, which calls `net.Server#listen` with it.
 * While fauxqs starts, a listen on 0.0.0.0 is made a listen on 127.0.0.1. Nothing else in the process
 * listens meanwhile on 0.0.0.0 (the local servers name 127.0.0.1 or the host they were given).
 */
async function onLoopbackOnly<T>(start: () => Promise<T>): Promise<T> {
  const listen = Server.prototype.listen;
  const loopbackListen = function (this: InstanceType<typeof Server>, ...args: unknown[]) {
    const [first] = args;
    if (typeof first === 'object' && first !== null && (first as { host?: unknown }).host === '0.0.0.0') {
      args[0] = { ...first, host: '127.0.0.1' };
    }
    return (listen as (...a: unknown[]) => InstanceType<typeof Server>).apply(this, args);
  };
  Server.prototype.listen = loopbackListen as typeof listen;
  try {
    return await start();
  } finally {
    Server.prototype.listen = listen;
  }
}
