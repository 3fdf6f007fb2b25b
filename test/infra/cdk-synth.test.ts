import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

/**
 * `npx cdk synth` as a user runs it, offline and without credentials: the pinned aws-cdk CLI reads the app's
 * cloud assembly (the registry's aws-cdk 3.0.0 could not) and writes the stack's template.
 */
const run = promisify(execFile);
let out: string | undefined;

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

it('npx cdk synth writes the Statefold template offline', async () => {
  out = await mkdtemp(join(tmpdir(), 'statefold-synth-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' };
  await run('npx', ['cdk', 'synth', '--no-notices', '-q', '--output', out], { env, timeout: 170_000 });
  const templates = (await readdir(out)).filter((file) => file.endsWith('.template.json'));
  expect(templates).toEqual(['Statefold.template.json']);
  const template = JSON.parse(await readFile(join(out, templates[0] as string), 'utf8')) as {
    Resources: Record<string, { Type: string }>;
  };
  const types = new Set(Object.values(template.Resources).map((resource) => resource.Type));
  expect([...types]).toEqual(
    expect.arrayContaining([
      'AWS::DynamoDB::GlobalTable',
      'AWS::SQS::Queue',
      'AWS::Lambda::Function',
      'AWS::Lambda::EventSourceMapping',
      'AWS::ApiGatewayV2::Api',
    ]),
  );
  // cdk synth runs the app and bundles every Lambda: 3-5 s on a quiet machine, many times that on a loaded one.
}, 180_000);
