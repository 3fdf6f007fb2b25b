/**
 * A team's own repository, as the README's "Use it in your project" shows it: its config, one workflow with a
 * sample input, its Lambda handler module, and a vitest file that runs the workflow with `runExecution`.
 * The packed-package test writes these files into a fresh folder and installs the packed tarball there.
 */
export const USER_PROJECT: Record<string, string> = {
  'package.json': `${JSON.stringify(
    { name: 'my-workflows', private: true, type: 'module', scripts: { test: 'vitest run' } },
    null,
    2,
  )}\n`,

  'tsconfig.json': `${JSON.stringify(
    {
      compilerOptions: {
        target: 'es2024',
        module: 'nodenext',
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        erasableSyntaxOnly: true,
        types: ['node'],
        skipLibCheck: false,
      },
      include: ['statefold.config.ts', 'src', 'test'],
    },
    null,
    2,
  )}\n`,

  'statefold.config.ts': `import type { StatefoldConfig } from 'statefold';

export default {
  functions: {
    greet: { module: './src/handlers.ts' },
  },
  stateMachines: [
    {
      name: 'greeting',
      definition: './workflows/greeting.asl.json',
      input: './workflows/greeting.input.json',
    },
  ],
} satisfies StatefoldConfig;
`,

  'workflows/greeting.asl.json': `${JSON.stringify(
    {
      Comment: 'Greets someone by name',
      StartAt: 'Greet',
      States: {
        Greet: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'greet', 'Payload.$': '$' },
          ResultSelector: { 'greeting.$': '$.Payload.greeting' },
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    },
    null,
    2,
  )}\n`,

  'workflows/greeting.input.json': '{ "name": "Ada" }\n',

  'src/handlers.ts': `export async function greet(event: { name?: string }): Promise<{ greeting: string }> {
  if (!event.name) throw new Error('name is required');
  return { greeting: \`Hello, \${event.name}!\` };
}
`,

  'test/greeting.test.ts': `import { readFile } from 'node:fs/promises';
import { runExecution } from 'statefold';
import { describe, expect, it } from 'vitest';
import { greet } from '../src/handlers.ts';

const definition = await readFile(new URL('../workflows/greeting.asl.json', import.meta.url), 'utf8');

describe('the greeting workflow', () => {
  it('greets by name', async () => {
    const result = await runExecution({ definition, input: { name: 'Ada' }, functions: { greet } });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({ greeting: 'Hello, Ada!' });
  });

  it('fails without a name', async () => {
    const result = await runExecution({ definition, input: {}, functions: { greet } });
    expect(result.status).toBe('FAILED');
    expect(result.cause).toContain('name is required');
  });
});
`,
};
