import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as orderFunctions from '../../examples/order-processing/functions.ts';
import { runExecution } from '../../shared/composition/run-execution.ts';

/** `statefold graph` as a user runs it: a definition file in, an SVG file out, coloured with a history. */
const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/statefold.ts');
const DEFINITION = join(ROOT, 'examples/order-processing/definition.json');

function statefold(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'statefold-graph-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('statefold graph', () => {
  it('writes the definition’s graph to the file -o names', async () => {
    const out = join(dir, 'graph.svg');
    const result = await statefold(['graph', DEFINITION, '-o', out]);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    const svg = await readFile(out, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/data-state="/g)).toHaveLength(11);
    expect(svg).not.toMatch(/class="[^"]*outcome-/);
  });

  it('colours the states from a history file (GetExecutionHistory’s answer)', async () => {
    const run = await runExecution({
      definition: await readFile(DEFINITION, 'utf8'),
      input: JSON.stringify({ orderId: 'o-cli', items: [{ sku: 'A', quantity: 1, price: 1 }] }),
      functions: orderFunctions,
      clock: 'virtual',
    });
    const history = join(dir, 'history.json');
    await writeFile(history, JSON.stringify({ events: run.events }));
    const result = await statefold(['graph', DEFINITION, '--history', history]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('class="state type-Task outcome-succeeded" data-state="ChargePayment"');
    expect(result.stdout).toContain('class="state type-Pass outcome-not-reached" data-state="FlagForReview"');
  });

  it.each([
    ['no definition file', ['graph'], 2, 'graph needs a definition file'],
    [
      'a file that is not a definition',
      ['graph', join(ROOT, 'package.json')],
      1,
      'is not a state machine definition',
    ],
  ])('fails on %s', async (_, args, code, message) => {
    const result = await statefold(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });
});
