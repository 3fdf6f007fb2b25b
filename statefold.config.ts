import type { StatefoldConfig } from './shared/local/local-config.ts';

/**
 * What `npm start` (`statefold start`) serves: the order-processing example's Lambda functions, run in this
 * process, and its state machine. Paths are relative to this file. STATEFOLD_PORT and STATEFOLD_DATA_DIR, then
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
  ],
} satisfies StatefoldConfig;
