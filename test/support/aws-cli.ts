import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** `aws stepfunctions <args>` against a Statefold endpoint, its JSON answer parsed (`{}` when it prints none). */
export async function awsStepFunctions(
  endpoint: string,
  ...args: string[]
): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(
    'aws',
    ['stepfunctions', ...args, '--endpoint-url', endpoint, '--region', 'us-east-1'],
    {
      // TestState and StartSyncExecution are sync- host-prefixed: the CLI must call the endpoint as given.
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_DISABLE_HOST_PREFIX_INJECTION: 'true',
      },
      timeout: 60_000,
    },
  );
  return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
}
