/**
 * Client settings for the engine's own calls to the embedded DynamoDB and SQS and the local Lambda endpoint:
 * none of them checks a signature, and signing every request (hashing its body, a SigV4 HMAC chain) was a
 * fair part of a local step's CPU time. The requests carry an Authorization header of the right form (dynalite
 * refuses a request without one) whose signature nobody reads. The local engine's clients only: a
 * deployment's clients, and any client a user points at the server, sign as ever.
 */
const LOCAL_IDENTITY = { accessKeyId: 'local', secretAccessKey: 'local', expiration: new Date(8.64e15) };
const AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/local/aws4_request, SignedHeaders=host, Signature=0';

const AMZ_DATE = '20260101T000000Z';

export const UNSIGNED_REQUESTS = {
  credentials: LOCAL_IDENTITY,
  httpAuthSchemes: [
    {
      schemeId: 'aws.auth#sigv4',
      identityProvider: () => async () => LOCAL_IDENTITY,
      signer: {
        sign: async <Request extends { headers: Record<string, string> }>(request: Request) => {
          request.headers.authorization = AUTHORIZATION;
          request.headers['x-amz-date'] = AMZ_DATE;
          return request;
        },
      },
    },
  ],
};
