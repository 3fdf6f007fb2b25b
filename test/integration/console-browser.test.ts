import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as orderFunctions from '../../examples/order-processing/functions.ts';
import { serveConsoleAsset } from '../../shared/console/server/console-assets.ts';
import { type LocalServer, startLocalServer } from '../../shared/local/local-server.ts';
import { until } from '../support/eventually.ts';
import { createSfnClient, waitForClosedExecution } from '../support/sfn-client.ts';

/**
 * The console in a real browser: Debian's chromium (CI installs it with apt; without it these tests are
 * skipped), driven by playwright-core, against startLocalServer. Screenshots go to test-artifacts/.
 */
const CHROMIUM = '/usr/bin/chromium';
const EXAMPLE = join(import.meta.dirname, '../../examples/order-processing');
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:order-processing';

/** Task tokens the `hold` function received, by execution name: a running execution the test finishes. */
const tokens = new Map<string, string>();
const functions = {
  ...orderFunctions,
  hold: (event: { token: string; execution: string }) => {
    tokens.set(event.execution, event.token);
    return {};
  },
};

const HELD = JSON.stringify({
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Next: 'Approve' },
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'hold',
        Payload: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Name' },
      },
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
});

/** A Map over `n` items of a Pass state: 4 events an item, so hundreds of events for the table's pages. */
const MANY = JSON.stringify({
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 20,
      ItemProcessor: { StartAt: 'Touch', States: { Touch: { Type: 'Pass', End: true } } },
      End: true,
    },
  },
});

/** A Distributed Map whose second item fails (tolerated): three child executions, one of them FAILED. */
const DISTRIBUTED = JSON.stringify({
  StartAt: 'Rows',
  States: {
    Rows: {
      Type: 'Map',
      ItemsPath: '$.items',
      ToleratedFailureCount: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Check',
        States: {
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Accept' }],
            Default: 'Refuse',
          },
          Accept: { Type: 'Succeed' },
          Refuse: { Type: 'Fail', Error: 'ItemRefused', Cause: 'not ok' },
        },
      },
      End: true,
    },
  },
});

const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('the console in Chromium', () => {
  let dataDir: string;
  let server: LocalServer;
  let sfn: SFNClient;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'statefold-console-browser-'));
    server = await startLocalServer({
      port: 0,
      dataDir,
      functions,
      stateMachines: [
        {
          name: 'order-processing',
          type: 'STANDARD',
          definition: await readFile(join(EXAMPLE, 'definition.json'), 'utf8'),
          definitionFile: join(EXAMPLE, 'definition.json'),
        },
      ],
    });
    sfn = createSfnClient(server.endpoint);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => errors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    sfn?.destroy();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const open = (hash: string) => page.goto(`${server.endpoint}/console/${hash}`);
  const stateClass = (name: string) =>
    page.locator(`.graph-canvas [data-state="${name}"]`).first().getAttribute('class');
  const outcomeOf = async (name: string) => (await stateClass(name))?.match(/outcome-([a-z-]+)/)?.[1];
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('lists the state machines with their type and counts', async () => {
    await open('');
    const row = page.locator('#state-machines tr[data-name="order-processing"]');
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('STANDARD');
    await until('the counts', async () =>
      (await row.locator('[data-count="FAILED"]').textContent()) === '…' ? undefined : true,
    );
    await shot('state-machines');
    expect(errors).toEqual([]);
  });

  it('starts the order-processing example from the form and shows each state outcome on its graph', async () => {
    await open(`#/state-machines/${encodeURIComponent(MACHINE)}`);
    await page.locator('.graph-canvas svg').waitFor();
    expect(await page.locator('#definition').textContent()).toContain('"StartAt": "ValidateOrder"');
    await page.fill('#execution-name', 'from-the-form');
    await page.fill('#execution-input', await readFile(join(EXAMPLE, 'input.json'), 'utf8'));
    await page.click('#start-execution button[type=submit]');
    await page.waitForURL(/#\/executions\//);
    await page.locator('#execution-status .badge-succeeded').waitFor({ timeout: 20_000 });
    await until('the graph coloured', async () =>
      (await outcomeOf('OrderComplete')) === 'succeeded' ? true : undefined,
    );
    // The order's total (537) is over 500, so FlagForReview runs; the payment succeeds on its retry.
    const outcomes = Object.fromEntries(
      await Promise.all(
        [
          'ValidateOrder',
          'CheckOrderValue',
          'FlagForReview',
          'ReserveAndNotify',
          'NotifyCustomer',
          'PackItems',
          'PackItem',
          'ChargePayment',
          'PaymentFailed',
          'OrderComplete',
        ].map(async (name) => [name, await outcomeOf(name)]),
      ),
    );
    expect(outcomes).toEqual({
      ValidateOrder: 'succeeded',
      CheckOrderValue: 'succeeded',
      FlagForReview: 'succeeded',
      ReserveAndNotify: 'succeeded',
      NotifyCustomer: 'succeeded',
      PackItems: 'succeeded',
      PackItem: 'succeeded',
      ChargePayment: 'succeeded',
      PaymentFailed: 'not-reached',
      OrderComplete: 'succeeded',
    });
    await page.locator('.graph-canvas [data-state="ChargePayment"]').click();
    await expect.poll(() => page.locator('#state-panel .retries h3').textContent()).toBe('Retries: 1');
    expect(await page.locator('#state-panel').textContent()).toContain('PaymentGatewayTimeout');
    expect(await page.locator('#state-output').textContent()).toContain('"paymentId": "pay-order-1042"');
    await shot('execution-succeeded');
    expect(errors).toEqual([]);
  }, 60_000);

  it('shows a failing execution’s error on the state that failed', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: MACHINE,
        name: 'no-items',
        input: '{"orderId":"o-empty","items":[]}',
      }),
    );
    await waitForClosedExecution(sfn, executionArn as string);
    await open(`#/executions/${encodeURIComponent(executionArn as string)}`);
    await page.locator('#execution-status .badge-failed').waitFor();
    await until('the graph', async () =>
      (await outcomeOf('ValidateOrder')) === 'failed' ? true : undefined,
    );
    expect(await outcomeOf('CheckOrderValue')).toBe('not-reached');
    // The page opens on the failed state: its error, and the function's message, without reading JSON.
    expect(await page.locator('#state-panel h2').textContent()).toContain('ValidateOrder');
    expect(await page.locator('#state-error strong').textContent()).toBe('OrderValidationError');
    expect(await page.locator('#state-error .cause-message').textContent()).toBe(
      'Order o-empty has no items',
    );
    expect(await page.locator('#execution-error').textContent()).toContain('OrderValidationError');
    await shot('execution-failed');
  });

  it('turns a running execution green without a reload, and stops one with Stop', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'held', definition: HELD, roleArn: ROLE }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'held-1' }));
    const token = await until('the task token', () => tokens.get('held-1'));
    await open(`#/executions/${encodeURIComponent(executionArn as string)}`);
    await page.locator('#execution-status .badge-running').waitFor();
    await until('Approve running', async () =>
      (await outcomeOf('Approve')) === 'running' ? true : undefined,
    );
    expect(await outcomeOf('Prepare')).toBe('succeeded');
    expect(await outcomeOf('Done')).toBe('not-reached');
    await shot('execution-running');
    // Mark the document: a reload would lose the mark.
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    await page.locator('#execution-status .badge-succeeded').waitFor({ timeout: 10_000 });
    await until('Done green', async () => ((await outcomeOf('Done')) === 'succeeded' ? true : undefined), {
      timeoutMs: 10_000,
    });
    expect(await outcomeOf('Approve')).toBe('succeeded');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );

    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'held-2' }));
    await until('the second token', () => tokens.get('held-2'));
    await open(`#/executions/${encodeURIComponent(second.executionArn as string)}`);
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('#stop-execution');
    await page.locator('#execution-status .badge-aborted').waitFor({ timeout: 10_000 });
    expect(await outcomeOf('Approve')).toBe('failed');
  }, 60_000);

  it('redrives a stopped execution with Redrive and follows it to its end without a reload', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'held-redrive', definition: HELD, roleArn: ROLE }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'held-3' }));
    const first = await until('the task token', () => tokens.get('held-3'));
    await open(`#/executions/${encodeURIComponent(executionArn as string)}`);
    // Running: Stop, no Redrive.
    await page.locator('#stop-execution').waitFor();
    expect(await page.locator('#redrive-execution').count()).toBe(0);
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('#stop-execution');
    await page.locator('#execution-status .badge-aborted').waitFor({ timeout: 10_000 });

    page.once('dialog', (dialog) => dialog.accept());
    await page.click('#redrive-execution');
    await page.locator('#execution-status .badge-running').waitFor({ timeout: 10_000 });
    expect(await page.locator('#redrive-count').textContent()).toMatch(/^1, last /);
    expect(await page.locator('#redrive-execution').count()).toBe(0);
    // The Task runs again: a new token, which ends it.
    const second = await until('the redriven task token', () => {
      const token = tokens.get('held-3');
      return token !== first ? token : undefined;
    });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: second, output: '{"approved":true}' }));
    await page.locator('#execution-status .badge-succeeded').waitFor({ timeout: 10_000 });
    await until('Done green', async () => ((await outcomeOf('Done')) === 'succeeded' ? true : undefined), {
      timeoutMs: 10_000,
    });
    expect(await outcomeOf('Approve')).toBe('succeeded');
    await shot('execution-redriven');
  }, 60_000);

  it('runs an EXPRESS machine from the form and shows its result there (its executions are not listed)', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'quick',
        type: 'EXPRESS',
        roleArn: ROLE,
        definition: JSON.stringify({
          StartAt: 'Add',
          States: { Add: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.a, $.b)' }, End: true } },
        }),
      }),
    );
    await open(`#/state-machines/${encodeURIComponent(stateMachineArn as string)}`);
    await page.locator('.graph-canvas svg').waitFor();
    expect(await page.locator('.executions-panel').count()).toBe(0);
    await page.fill('#execution-input', '{"a": 2, "b": 40}');
    await page.click('#start-execution button[type=submit]');
    await page.locator('#start-execution .badge-succeeded').waitFor();
    expect(await page.locator('#start-execution .form-message').textContent()).toContain('"sum": 42');
    await page.fill('#execution-input', '{"a": 2,');
    await page.click('#start-execution button[type=submit]');
    expect(await page.locator('#start-execution .error-box').textContent()).toContain('Invalid JSON');
  });

  it('lists a machine’s versions and aliases on its page', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'versioned',
        roleArn: ROLE,
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
        publish: true,
        versionDescription: 'the first',
      }),
    );
    const arn = stateMachineArn as string;
    await sfn.send(
      new UpdateStateMachineCommand({
        stateMachineArn: arn,
        definition: JSON.stringify({ StartAt: 'Q', States: { Q: { Type: 'Pass', End: true } } }),
        publish: true,
      }),
    );
    await sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'PROD',
        routingConfiguration: [
          { stateMachineVersionArn: `${arn}:1`, weight: 90 },
          { stateMachineVersionArn: `${arn}:2`, weight: 10 },
        ],
      }),
    );
    await open(`#/state-machines/${encodeURIComponent(arn)}`);
    await page.locator('#versions .aliases-table').waitFor();
    expect(await page.locator('#versions .versions-table tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^2/),
      expect.stringMatching(/^1the first/),
    ]);
    expect(await page.locator('#versions [data-alias="PROD"]').textContent()).toContain(
      'version 1: 90%, version 2: 10%',
    );
    await open(`#/state-machines/${encodeURIComponent(MACHINE)}`);
    await page.locator('.graph-canvas svg').waitFor();
    expect(await page.locator('#versions').isHidden()).toBe(true);
  });

  it('pages the event table', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'many', definition: MANY, roleArn: ROLE }),
    );
    const items = Array.from({ length: 60 }, (_, i) => i);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'many-1', input: JSON.stringify({ items }) }),
    );
    await waitForClosedExecution(sfn, executionArn as string);
    await open(`#/executions/${encodeURIComponent(executionArn as string)}`);
    await page.locator('#execution-status .badge-succeeded').waitFor();
    const total = Number(await page.locator('#event-count').textContent());
    expect(total).toBeGreaterThan(240);
    const pages = Math.ceil(total / 100);
    expect(await page.locator('#event-page').textContent()).toBe(`Page 1 of ${pages} · ${total} events`);
    expect(await page.locator('#events tbody tr.event-row').count()).toBe(100);
    const firstId = () => page.locator('#events tbody tr.event-row').first().getAttribute('data-event-id');
    expect(await firstId()).toBe('1');
    await page.click('#event-next');
    expect(await firstId()).toBe('101');
    expect(await page.locator('#event-page').textContent()).toContain('Page 2 of');
    await page.click('#event-last');
    expect(await firstId()).toBe(String((pages - 1) * 100 + 1));
    expect(await page.locator('#events tbody tr.event-row').count()).toBe(total - (pages - 1) * 100);
    await page.selectOption('#event-page-size', '25');
    expect(await page.locator('#event-page').textContent()).toBe(
      `Page 1 of ${Math.ceil(total / 25)} · ${total} events`,
    );
    // A row opens its details.
    await page.locator('#events tbody tr.event-row').first().click();
    expect(await page.locator('#events .event-details').textContent()).toContain('"input"');
    await shot('event-table');
    expect(errors).toEqual([]);
  }, 60_000);
  it('says so on the graph when its layout cannot be loaded, and still lists the executions', async () => {
    const broken = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await broken.route('**/console/vendor/elk-worker.min.js', (route) =>
        route.fulfill({ status: 404, body: 'Not found' }),
      );
      await broken.goto(`${server.endpoint}/console/#/state-machines/${encodeURIComponent(MACHINE)}`);
      await broken.locator('#execution-count', { hasText: /^\d+ executions?$/ }).waitFor();
      await broken.locator('.graph-panel .error-box').waitFor({ timeout: 10_000 });
      expect(await broken.locator('.graph-panel .error-box').textContent()).toContain(
        'The graph layout (ELK) could not be loaded',
      );
    } finally {
      await broken.close();
    }
  });

  it('lists a Distributed Map’s child executions with their status on its state, and opens one', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'fan-out', definition: DISTRIBUTED, roleArn: ROLE }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: 'fan-out-1',
        input: JSON.stringify({ items: [{ ok: true }, { ok: false }, { ok: true }] }),
      }),
    );
    expect((await waitForClosedExecution(sfn, executionArn as string)).status).toBe('SUCCEEDED');
    await open(`#/executions/${encodeURIComponent(executionArn as string)}`);
    await page.locator('#execution-status .badge-succeeded').waitFor();
    await page.locator('.graph-canvas [data-state="Rows"] > text.title').click();
    const children = page.locator('#state-panel .children li a');
    await expect.poll(() => children.count()).toBe(3);
    const statuses = await page.locator('#state-panel .children li .badge').allTextContents();
    expect(statuses.sort()).toEqual(['FAILED', 'SUCCEEDED', 'SUCCEEDED']);
    await shot('map-run-children');
    const failed = page
      .locator('#state-panel .children li', { has: page.locator('.badge-failed') })
      .locator('a');
    const childName = await failed.textContent();
    const href = (await failed.getAttribute('href')) as string;
    expect(decodeURIComponent(href)).toMatch(
      /^#\/executions\/arn:aws:states:[^:]+:\d+:execution:fan-out\/[^:]+:[^:]+$/,
    );
    await failed.click();
    await page.waitForURL((url) => url.hash === href);
    await page.locator('#execution-status .badge-failed').waitFor();
    expect(await page.locator('h1').first().textContent()).toContain(childName as string);
    await until('the child’s graph', async () =>
      (await outcomeOf('Refuse')) === 'failed' ? true : undefined,
    );
    expect(await outcomeOf('Accept')).toBe('not-reached');
    expect(await page.locator('#state-error strong').textContent()).toBe('ItemRefused');
    expect(errors).toEqual([]);
  }, 60_000);

  /**
   * 10,000 executions and a history of 25,000 events, answered by a stand-in for the API (the page's POST /
   * calls are intercepted; its files still come from the server). Each page is opened cold, in a page of its
   * own (a new browser context: no cache, nothing compiled), and timed by the console's own performance marks
   * (statefold:…, from the document's navigation start): its first rows, everything listed, its graph. Only
   * the rows in view are drawn.
   */
  it('loads 10,000 executions and a 25,000-event history quickly, drawing only what is in view', async () => {
    const pageErrors: string[] = [];
    const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:big';
    const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:big:long';
    const start = Date.UTC(2026, 0, 1) / 1000;
    const executions = Array.from({ length: 10_000 }, (_, i) => ({
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:big:run-${String(i).padStart(5, '0')}`,
      stateMachineArn: machineArn,
      name: `run-${String(i).padStart(5, '0')}`,
      status: i % 10 === 0 ? 'FAILED' : 'SUCCEEDED',
      startDate: start + i,
      stopDate: start + i + 1,
    }));
    const events: object[] = [
      {
        id: 1,
        previousEventId: 0,
        type: 'ExecutionStarted',
        timestamp: start,
        executionStartedEventDetails: { input: '{}' },
      },
      {
        id: 2,
        previousEventId: 1,
        type: 'MapStateEntered',
        timestamp: start,
        stateEnteredEventDetails: { name: 'Each', input: '{}' },
      },
      {
        id: 3,
        previousEventId: 2,
        type: 'MapStateStarted',
        timestamp: start,
        mapStateStartedEventDetails: { length: 6248 },
      },
    ];
    for (let i = 0; events.length < 24_996; i += 1) {
      const id = events.length + 1;
      const at = start + i / 100;
      events.push(
        {
          id,
          previousEventId: 3,
          type: 'MapIterationStarted',
          timestamp: at,
          mapIterationStartedEventDetails: { name: 'Each', index: i },
        },
        {
          id: id + 1,
          previousEventId: id,
          type: 'PassStateEntered',
          timestamp: at,
          stateEnteredEventDetails: { name: 'Touch', input: `${i}` },
        },
        {
          id: id + 2,
          previousEventId: id + 1,
          type: 'PassStateExited',
          timestamp: at,
          stateExitedEventDetails: { name: 'Touch', output: `${i}` },
        },
        {
          id: id + 3,
          previousEventId: id + 2,
          type: 'MapIterationSucceeded',
          timestamp: at,
          mapIterationSucceededEventDetails: { name: 'Each', index: i },
        },
      );
    }
    const last = events.length;
    events.push(
      { id: last + 1, previousEventId: last, type: 'MapStateSucceeded', timestamp: start + 70 },
      {
        id: last + 2,
        previousEventId: last + 1,
        type: 'MapStateExited',
        timestamp: start + 70,
        stateExitedEventDetails: { name: 'Each', output: '[]' },
      },
      {
        id: last + 3,
        previousEventId: last + 2,
        type: 'ExecutionSucceeded',
        timestamp: start + 70,
        executionSucceededEventDetails: { output: '[]' },
      },
    );
    const definition = JSON.stringify(JSON.parse(MANY));
    const paged = (items: object[], input: { maxResults?: number; nextToken?: string }) => {
      const from = Number(input.nextToken ?? 0);
      const size = input.maxResults ?? 100;
      const page = items.slice(from, from + size);
      return from + size < items.length ? { page, nextToken: String(from + size) } : { page };
    };
    const coldPage = async () => {
      const fresh = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      fresh.on('pageerror', (error) => pageErrors.push(error.message));
      return fresh;
    };
    const marks = (on: Page) =>
      on.evaluate(() =>
        Object.fromEntries(
          performance
            .getEntriesByType('mark')
            .filter((mark) => mark.name.startsWith('statefold:'))
            .map((mark) => [mark.name.slice('statefold:'.length), Math.round(mark.startTime)]),
        ),
      );
    /** One more cold load of `url`, its marks once `ready` says the page has its content. */
    const coldLoad = async (url: string, ready: (page: Page) => Promise<void>) => {
      const page = await coldPage();
      await page.goto(url);
      await ready(page);
      const loaded = await marks(page);
      await page.close();
      return loaded;
    };
    /** Each mark's best (lowest) time over the loads. */
    const bestMarks = (runs: ReadonlyArray<Record<string, number>>) =>
      Object.fromEntries(
        [...new Set(runs.flatMap((run) => Object.keys(run)))].map((name) => [
          name,
          Math.min(...runs.map((run) => run[name] ?? Infinity)),
        ]),
      ) as Record<string, number>;
    const stub = (operation: string | undefined, input: { maxResults?: number; nextToken?: string }) => {
      const answer = (body: object) => ({ status: 200, body: JSON.stringify(body) });
      switch (operation) {
        case 'DescribeStateMachine':
          return answer({
            stateMachineArn: machineArn,
            name: 'big',
            type: 'STANDARD',
            status: 'ACTIVE',
            definition,
            roleArn: ROLE,
            creationDate: start,
          });
        case 'ListExecutions': {
          const { page, nextToken } = paged(executions, input);
          return answer({ executions: page, ...(nextToken ? { nextToken } : {}) });
        }
        case 'DescribeExecution':
          return answer({
            executionArn,
            stateMachineArn: machineArn,
            name: 'long',
            status: 'SUCCEEDED',
            startDate: start,
            stopDate: start + 70,
            input: '{}',
            output: '[]',
          });
        case 'DescribeStateMachineForExecution':
          return answer({
            stateMachineArn: machineArn,
            name: 'big',
            definition,
            roleArn: ROLE,
            updateDate: start,
          });
        case 'GetExecutionHistory': {
          const { page, nextToken } = paged(events, input);
          return answer({ events: page, ...(nextToken ? { nextToken } : {}) });
        }
        default:
          return { status: 400, body: '{"__type":"UnknownOperationException"}' };
      }
    };
    // The stand-in: the console's files as every Statefold server serves them, and these answers on POST /.
    const standIn = createServer(async (request, response) => {
      if (serveConsoleAsset(request, response)) return;
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const operation = String(request.headers['x-amz-target']).split('.')[1];
      const { status, body } = stub(operation, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(body);
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', () => resolve()));
    const standInUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
    // Budgets. Measured on a 2-core machine with the other console test files running beside this one (load
    // average 5-9): first rows in 0.2-0.6 s, the history's first page in 0.2-0.55 s; everything listed with the
    // graph drawn in 1.0-2.1 s (10,000 executions: 11 pages) and 1.0-1.9 s (25,000 events: 26 pages). First
    // content must come within the second (about 1.7 times the slowest seen loaded); the totals are
    // allowed about twice the slowest seen.
    const FIRST_CONTENT_BUDGET_MS = 1000;
    const ALL_BUDGET_MS = 4000;

    const executionsPage = await coldPage();
    await executionsPage.goto(`${standInUrl}/console/#/state-machines/${encodeURIComponent(machineArn)}`);
    await executionsPage.locator('#execution-count', { hasText: /^10000 executions$/ }).waitFor();
    await executionsPage.locator('.graph-canvas svg').waitFor();
    const executionsMarks = await marks(executionsPage);
    expect(await executionsPage.locator('.vlist-row').count()).toBeLessThan(40);
    await executionsPage.locator('.vlist-viewport').evaluate((element) => {
      element.scrollTop = 36 * 9_990;
    });
    await executionsPage.locator('.vlist-row[data-name="run-09999"]').waitFor();
    await executionsPage.fill('#name-filter', 'run-0999');
    expect(await executionsPage.locator('#execution-count').textContent()).toBe('10 of 10000 executions');
    await executionsPage.close();

    const historyPage = await coldPage();
    await historyPage.goto(`${standInUrl}/console/#/executions/${encodeURIComponent(executionArn)}`);
    await historyPage
      .locator('#event-page', {
        hasText: `Page 1 of ${Math.ceil(events.length / 100)} · ${events.length} events`,
      })
      .waitFor();
    await historyPage.locator('.graph-canvas [data-state="Touch"].outcome-succeeded').waitFor();
    const historyMarks = await marks(historyPage);
    expect(await historyPage.locator('#events tbody tr.event-row').count()).toBe(100);
    await historyPage.click('#event-last');
    expect(await historyPage.locator('#events tbody tr.event-row').last().getAttribute('data-event-id')).toBe(
      String(events.length),
    );
    await historyPage.locator('.graph-canvas [data-state="Each"] > text.title').click();
    expect(await historyPage.locator('#state-panel .iterations h3').textContent()).toBe(
      `Iterations: ${(events.length - 6) / 4}`,
    );
    await historyPage.screenshot({ path: join(ARTIFACTS, 'large-history.png') });
    await historyPage.close();
    // Timings on a machine other test files share: noise only ever adds time, so a page that misses its budget
    // is loaded cold again (up to three loads in all) and each mark's best is what the page can do.
    const executionsUrl = `${standInUrl}/console/#/state-machines/${encodeURIComponent(machineArn)}`;
    const historyUrl = `${standInUrl}/console/#/executions/${encodeURIComponent(executionArn)}`;
    const executionsRuns = [executionsMarks];
    const historyRuns = [historyMarks];
    const overBudget = (runs: Array<Record<string, number>>, first: string, all: string[]) => {
      const best = bestMarks(runs);
      return (
        (best[first] ?? Infinity) >= FIRST_CONTENT_BUDGET_MS ||
        Math.max(...all.map((mark) => best[mark] ?? Infinity)) >= ALL_BUDGET_MS
      );
    };
    while (
      executionsRuns.length < 3 &&
      overBudget(executionsRuns, 'executions-first-rows', ['executions-listed', 'graph-drawn'])
    ) {
      executionsRuns.push(
        await coldLoad(executionsUrl, async (page) => {
          await page.locator('#execution-count', { hasText: /^10000 executions$/ }).waitFor();
          await page.locator('.graph-canvas svg').waitFor();
        }),
      );
    }
    while (
      historyRuns.length < 3 &&
      overBudget(historyRuns, 'events-first-page', ['history-loaded', 'graph-drawn'])
    ) {
      historyRuns.push(
        await coldLoad(historyUrl, async (page) => {
          await page.locator('#event-page', { hasText: `${events.length} events` }).waitFor();
          await page.locator('.graph-canvas [data-state="Touch"].outcome-succeeded').waitFor();
        }),
      );
    }
    const executionsBest = bestMarks(executionsRuns);
    const historyBest = bestMarks(historyRuns);
    console.log(
      `cold loads (ms from navigation start): executions ${JSON.stringify(executionsRuns)}; history ${JSON.stringify(historyRuns)}`,
    );
    expect(executionsBest['executions-first-rows']).toBeLessThan(FIRST_CONTENT_BUDGET_MS);
    expect(historyBest['events-first-page']).toBeLessThan(FIRST_CONTENT_BUDGET_MS);
    expect(
      Math.max(executionsBest['executions-listed'] ?? Infinity, executionsBest['graph-drawn'] ?? Infinity),
    ).toBeLessThan(ALL_BUDGET_MS);
    expect(
      Math.max(historyBest['history-loaded'] ?? Infinity, historyBest['graph-drawn'] ?? Infinity),
    ).toBeLessThan(ALL_BUDGET_MS);
    expect(pageErrors).toEqual([]);
    await new Promise((resolve) => standIn.close(resolve));
  }, 60_000);
});
