import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CaseReport, runWorkflowTests } from '../../shared/testing/test-workflow.ts';
import { statefold } from '../support/statefold-command.ts';

/**
 * The README's example workflow (examples/order-processing) with the MockConfigFile committed beside it: one
 * test case per path — the ordinary order with a payment retry, the high-value order through FlagForReview,
 * the order ValidateOrder refuses, the payment declined and the gateway down (both caught into PaymentFailed).
 * Every Task is mocked, so no function runs. Through `statefold test` as the README shows it, and
 * runWorkflowTests from code, each case's status, output and path checked here as well as by the file.
 */
const EXAMPLE = join(import.meta.dirname, '../../examples/order-processing');
const DEFINITION = join(EXAMPLE, 'definition.json');
const MOCKS = join(EXAMPLE, 'MockConfigFile.json');
const INPUT = join(EXAMPLE, 'input.json');

const UP_TO_PACKING = [
  'ValidateOrder',
  'CheckOrderValue',
  'ReserveAndNotify',
  'ReserveInventory',
  'NotifyCustomer',
  'PackItems',
];
const FULFILMENT = {
  reservation: { reservationId: 'res-order-1042' },
  notification: { notificationId: 'note-order-1042' },
};
const SMALL_ORDER = {
  orderId: 'order-1042',
  items: [
    { sku: 'MS-07', quantity: 2, price: 45 },
    { sku: 'CB-12', quantity: 3, price: 9 },
  ],
  total: 117,
};

let reports: Map<string, CaseReport>;
const report = (testCase: string) => reports.get(testCase) as CaseReport;
const failedTasks = (testCase: string) =>
  report(testCase)
    .result.events.filter((event) => event.type === 'TaskFailed')
    .map((event) => (event as { taskFailedEventDetails?: { error?: string } }).taskFailedEventDetails?.error);

beforeAll(async () => {
  const [definition, mocks, input] = await Promise.all([
    readFile(DEFINITION, 'utf8'),
    readFile(MOCKS, 'utf8'),
    readFile(INPUT, 'utf8'),
  ]);
  const all = await runWorkflowTests({ definition, mocks, input: JSON.parse(input) });
  reports = new Map(all.map((one) => [one.testCase, one]));
});

describe('the order-processing example, every path mocked (runWorkflowTests)', () => {
  it('has a case per path, and every expectation the file sets holds', () => {
    expect([...reports.keys()]).toEqual([
      'HappyPath',
      'HighValueOrder',
      'InvalidOrder',
      'PaymentDeclined',
      'PaymentGatewayDown',
    ]);
    expect([...reports.values()].map((one) => one.failures)).toEqual([[], [], [], [], []]);
  });

  it('HappyPath: at most 500 skips FlagForReview; the payment times out once, the retry charges', () => {
    const { result } = report('HappyPath');
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual([...UP_TO_PACKING, 'PackItem', 'PackItem', 'ChargePayment', 'OrderComplete']);
    expect(JSON.parse(result.output ?? 'null')).toEqual({
      ...SMALL_ORDER,
      fulfilment: FULFILMENT,
      packages: [{ package: 'order-1042-pkg' }, { package: 'order-1042-pkg' }],
      payment: { paymentId: 'pay-order-1042', charged: 117 },
    });
    expect(failedTasks('HappyPath')).toEqual(['PaymentGatewayTimeout']);
  });

  it('HighValueOrder: over 500 goes through FlagForReview, which adds the review to the output', () => {
    const { result } = report('HighValueOrder');
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual([
      'ValidateOrder',
      'CheckOrderValue',
      'FlagForReview',
      ...UP_TO_PACKING.slice(2),
      'PackItem',
      'ChargePayment',
      'OrderComplete',
    ]);
    expect(JSON.parse(result.output ?? 'null')).toMatchObject({
      total: 620,
      review: { required: true, reason: 'order value above 500' },
      payment: { paymentId: 'pay-order-1042', charged: 620 },
    });
    expect(failedTasks('HighValueOrder')).toEqual([]);
  });

  it("InvalidOrder: ValidateOrder's error has no catcher, so the execution fails with it", () => {
    const { result } = report('InvalidOrder');
    expect([result.status, result.error, result.cause]).toEqual([
      'FAILED',
      'OrderValidationError',
      'Order order-1042 has no items',
    ]);
    expect(result.path).toEqual(['ValidateOrder']);
  });

  it('PaymentDeclined: an error the Retry does not name is caught at once into PaymentFailed', () => {
    const { result } = report('PaymentDeclined');
    expect([result.status, result.error, result.cause]).toEqual([
      'FAILED',
      'PaymentFailed',
      'Card declined for order-1042',
    ]);
    expect(result.path).toEqual([...UP_TO_PACKING, 'PackItem', 'PackItem', 'ChargePayment', 'PaymentFailed']);
    expect(failedTasks('PaymentDeclined')).toEqual(['PaymentDeclined']);
  });

  it('PaymentGatewayDown: the timeout on every attempt uses up the two retries, then is caught', () => {
    const { result } = report('PaymentGatewayDown');
    expect([result.status, result.error, result.cause]).toEqual([
      'FAILED',
      'PaymentFailed',
      'Gateway did not answer for order-1042',
    ]);
    expect(result.path.at(-2)).toBe('ChargePayment');
    expect(result.path.at(-1)).toBe('PaymentFailed');
    expect(failedTasks('PaymentGatewayDown')).toEqual([
      'PaymentGatewayTimeout',
      'PaymentGatewayTimeout',
      'PaymentGatewayTimeout',
    ]);
  });
});

describe('the order-processing example through statefold test, as the README shows it', () => {
  it('prints a PASS line per case and the count, and exits 0', async () => {
    const { code, stdout, stderr } = await statefold(
      'test',
      DEFINITION,
      '--mocks',
      MOCKS,
      '--input',
      `@${INPUT}`,
    );
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines.map((line) => line.split(' via ')[0])).toEqual([
      'PASS HappyPath: SUCCEEDED',
      'PASS HighValueOrder: SUCCEEDED',
      'PASS InvalidOrder: FAILED',
      'PASS PaymentDeclined: FAILED',
      'PASS PaymentGatewayDown: FAILED',
      '5 passed, 0 failed',
      '',
    ]);
    expect(lines[2]).toBe(
      'PASS InvalidOrder: FAILED via ValidateOrder; OrderValidationError Order order-1042 has no items',
    );
    expect(lines[3]).toBe(
      `PASS PaymentDeclined: FAILED via ${[...UP_TO_PACKING, 'PackItem', 'PackItem', 'ChargePayment', 'PaymentFailed'].join(' → ')}; PaymentFailed Card declined for order-1042`,
    );
    expect(code).toBe(0);
    // The README's "Test your workflows" shows these lines, the two outputs cut short with "…".
    const readme = await readFile(join(import.meta.dirname, '../../README.md'), 'utf8');
    const shown = readme
      .slice(readme.indexOf('\nPASS HappyPath: '))
      .split('\n')
      .slice(1, 7)
      .map((line) => line.replace(/…$/, ''));
    expect(shown.map((line, i) => lines[i]?.startsWith(line))).toEqual(shown.map(() => true));
  });

  it('--case runs one case', async () => {
    const { code, stdout } = await statefold(
      'test',
      DEFINITION,
      '--mocks',
      MOCKS,
      '--input',
      `@${INPUT}`,
      '--case',
      'InvalidOrder',
    );
    expect(stdout).toBe(
      'PASS InvalidOrder: FAILED via ValidateOrder; OrderValidationError Order order-1042 has no items\n1 passed, 0 failed\n',
    );
    expect(code).toBe(0);
  });
});
