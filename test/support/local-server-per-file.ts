import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll } from 'vitest';
import {
  type LocalServer,
  type LocalServerOptions,
  startLocalServer,
} from '../../shared/local/local-server.ts';
import { createSfnClient } from './sfn-client.ts';

/** The local server of one test file and the AWS SDK client its tests call it with. */
export interface FileServer {
  readonly server: LocalServer;
  readonly sfn: SFNClient;
}

/**
 * Starts a local server before the file's tests (port 0, a temporary data folder named after `prefix`) and
 * stops it after them, data folder and all. Read `server` and `sfn` inside tests, once it has started.
 */
export function localServerPerFile(
  prefix: string,
  options: Omit<LocalServerOptions, 'port' | 'dataDir'> = {},
): FileServer {
  let dataDir: string | undefined;
  let started: { server: LocalServer; sfn: SFNClient } | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), prefix));
    const server = await startLocalServer({ ...options, port: 0, dataDir });
    started = { server, sfn: createSfnClient(server.endpoint) };
  });
  afterAll(async () => {
    started?.sfn.destroy();
    await started?.server.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  const need = () => {
    if (!started) throw new Error('The local server of this file has not started');
    return started;
  };
  return {
    get server() {
      return need().server;
    },
    get sfn() {
      return need().sfn;
    },
  };
}
