import type { StatefoldConfig } from './shared/local/local-config.ts';

/**
 * What `npm start` (`statefold start`) serves: the order-processing example's Lambda functions, run in this
 * process, and its state machine; the order-fulfilment example, with the DynamoDB table and the SQS queue its
 * service integrations use, created in the embedded emulators. Paths are relative to this file. STATEFOLD_PORT and STATEFOLD_DATA_DIR, then
 * `--port` and `--data-dir`, override the port and the data folder.
 */
const example = './examples/order-processing';

export default {
  port: 8083,
  dataDir: '.statefold',
  region: 'us-east-1',
  accountId: '123456789012',
  functions: {
    validateOrder: { module: `${example}/functions.ts` },
    reserveInventory: { module: `${example}/functions.ts` },
    notifyCustomer: { module: `${example}/functions.ts` },
    packItem: { module: `${example}/functions.ts` },
    chargePayment: { module: `${example}/functions.ts`, export: 'chargePayment' },
  },
  stateMachines: [
    {
      name: 'order-processing',
      definition: `${example}/definition.json`,
      type: 'STANDARD',
      input: `${example}/input.json`,
    },
    {
      name: 'order-fulfilment',
      definition: './examples/order-fulfilment/definition.json',
      type: 'STANDARD',
      input: './examples/order-fulfilment/input.json',
    },
  ],
  integrations: {
    // endpoints: { dynamodb: 'http://127.0.0.1:8000', eventbridge: 'aws' },  // elsewhere than the embedded ones
    tables: [{ name: 'orders', partitionKey: 'orderId' }],
    queues: ['approvals'],
  },
} satisfies StatefoldConfig;
