import { describe, expect, it } from 'vitest';
import { readSourceFiles } from '../support/import-graph.ts';

/**
 * The one error model, as the source must show it: a failure is told apart by an EngineError's code (or an SDK
 * error's name and shape), never by its message text, and the engine and its adapters declare no error class of
 * their own beside EngineError. A new match on a message or a new error class fails here.
 */

const files = readSourceFiles(process.cwd(), ['shared', 'functions', 'bin']);

/** Ways of deciding by what a message says. */
const MESSAGE_MATCHES: readonly RegExp[] = [
  /\.message\s*\??\.\s*(includes|startsWith|endsWith|match|matchAll|indexOf|search)\s*\(/,
  /\.message\s*[!=]==?/,
  /[!=]==?\s*[\w.?]*\.message\b/,
  /\.(test|exec)\(\s*[\w.?]*\.message\s*\)/,
];

/** The one place a message is compared, with why it is not a decision on the failure. */
const MESSAGE_ALLOWED: Readonly<Record<string, string>> = {
  // The AWS SDK's placeholder for an error the service sent without a message: shown as the name instead.
  'shared/integrations/service-errors.ts': "error.message === ''",
};

/** Folders of the engine and its adapters: their failures are EngineErrors. */
const ENGINE_FOLDERS = [
  'shared/engine/',
  'shared/eventlog/',
  'shared/queue/',
  'shared/integrations/',
  'shared/handlers/',
];

/** Error classes there, each with why it is not an engine failure. */
const CLASSES_ALLOWED: Readonly<Record<string, string>> = {
  EngineError: 'the one error type of the engine',
  StackOutputsError:
    "shared/queue/stack-queues.ts: `statefold dlq --outputs` was given a file that is not a stack's outputs (the command line's input, not the engine's failure)",
};

describe('the error model', () => {
  it('no code decides by an error message’s text', () => {
    const found = files.flatMap((file) =>
      file.source.split('\n').flatMap((line, index) => {
        if (!MESSAGE_MATCHES.some((pattern) => pattern.test(line))) return [];
        const allowed = MESSAGE_ALLOWED[file.path];
        if (allowed !== undefined && line.includes(allowed)) return [];
        return [`${file.path}:${index + 1}: ${line.trim()}`];
      }),
    );
    expect(found).toEqual([]);
  });

  it('the engine and its adapters declare no error class beside EngineError', () => {
    const found = files
      .filter((file) => ENGINE_FOLDERS.some((folder) => file.path.startsWith(folder)))
      .flatMap((file) =>
        [...file.source.matchAll(/class\s+(\w+)\s+extends\s+(\w*Error)\b/g)]
          .map((match) => match[1] as string)
          .filter((name) => !Object.hasOwn(CLASSES_ALLOWED, name))
          .map((name) => `${file.path}: ${name}`),
      );
    expect(found).toEqual([]);
  });

  it('the scan sees the code it checks', () => {
    const paths = files.map((file) => file.path);
    expect(paths).toContain('shared/engine/engine-error.ts');
    expect(paths).toContain(Object.keys(MESSAGE_ALLOWED)[0]);
  });
});
