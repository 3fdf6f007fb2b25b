import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { until } from './eventually.ts';

/** The AWS SDK's Step Functions client for a Statefold endpoint on this machine. */
export function createSfnClient(endpoint: string): SFNClient {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    // StartSyncExecution's `sync-` host prefix would make the host sync-127.0.0.1.
    disableHostPrefix: true,
  });
}

/** DescribeExecution once the execution is no longer RUNNING. */
export function waitForClosedExecution(
  sfn: SFNClient,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput> {
  return until(`${executionArn} to close`, async () => {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return described.status === 'RUNNING' ? undefined : described;
  });
}
