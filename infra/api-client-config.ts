import type { SFNClientConfig } from '@aws-sdk/client-sfn';

/**
 * An AWS SDK v3 SFNClient configuration for a deployed Statefold API (the stack's `ApiUrl` output):
 * `new SFNClient(statefoldClientConfig(apiUrl))`. API Gateway's IAM authorization only accepts SigV4 signatures
 * scoped to the service `execute-api` in the API's region, and StartSyncExecution's `sync-` host prefix would
 * name a host that does not exist. The README's "Deploy to AWS" shows the same three settings.
 */
export function statefoldClientConfig(apiUrl: string, options: { region?: string } = {}): SFNClientConfig {
  const region = options.region ?? regionOfApiUrl(apiUrl);
  // `signingName` is read by the SDK's SigV4 signer config (resolveAwsSdkSigV4Config) before the service's
  // own name; SFNClientConfig does not declare it, hence the widened object.
  const config: SFNClientConfig & { signingName: string } = {
    endpoint: apiUrl,
    region,
    signingName: 'execute-api',
    disableHostPrefix: true,
  };
  return config;
}

const API_HOST = /^https:\/\/[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/?$/;

/** The region in an `https://<id>.execute-api.<region>.amazonaws.com` URL; other URLs need `region` given. */
export function regionOfApiUrl(apiUrl: string): string {
  const region = API_HOST.exec(apiUrl)?.[1];
  if (region === undefined) {
    throw new Error(
      `Statefold client: cannot tell the region from ${apiUrl}; pass { region } (the stack's region)`,
    );
  }
  return region;
}
