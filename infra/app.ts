import { App } from 'aws-cdk-lib';
import { StatefoldStack } from './statefold-stack.ts';

/**
 * The CDK app (`cdk.json`: `node infra/app.ts`, run by Node's type stripping). The CLI sets CDK_DEFAULT_ACCOUNT
 * and CDK_DEFAULT_REGION from the credentials it finds; without them (an offline `cdk synth`) the stack is
 * environment-agnostic, and CloudFormation fills in the account and region at deploy time.
 */
const app = new App();
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
const stackName = app.node.tryGetContext('stackName');

new StatefoldStack(app, typeof stackName === 'string' && stackName !== '' ? stackName : 'Statefold', {
  description:
    'Statefold: a self-hosted AWS Step Functions (Amazon States Language on DynamoDB, SQS and Lambda)',
  ...(account !== undefined && region !== undefined ? { env: { account, region } } : {}),
});

app.synth();
