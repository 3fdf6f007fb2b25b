import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findViolations, importsOf, type ModuleRule, readSourceFiles } from '../support/import-graph.ts';

/**
 * The layers, as the imports must show them. The pure core (language … execution) imports no SDK and no I/O
 * module; the engine's use cases see only the core and their ports; adapters (eventlog, queue, integrations)
 * implement ports and read nothing else of the engine; only adapters and the composition root (composition)
 * import the AWS SDK or build its clients (local mode gets its clients and its engine there, as the Lambda
 * handlers do); the Lambda entry points only compose. A new import that breaks a line here
 * fails CI.
 */
const PURE = ['node:buffer', 'node:crypto'];
const CORE = [
  'shared/lib',
  'shared/language',
  'shared/jsonpath',
  'shared/intrinsics',
  'shared/dataflow',
  'shared/choice',
  'shared/jsonata',
  'shared/asl',
  'shared/history',
  'shared/execution',
];
const ADAPTERS = ['shared/eventlog', 'shared/queue', 'shared/integrations'];
// The ports and the one error type adapters raise through them.
const PORTS = ['shared/engine/ports.ts', 'shared/engine/engine-error.ts'];
const AWS_SDK = '@aws-sdk/*';

const RULES: ModuleRule[] = [
  // re2js: regular expressions from definitions run in linear time (shared/lib/linear-regex.ts).
  { module: 'shared/lib', modules: [], packages: [...PURE, 're2js'] },
  { module: 'shared/language', modules: ['shared/lib'], packages: PURE },
  {
    module: 'shared/jsonpath',
    modules: ['shared/lib', 'shared/language'],
    packages: PURE,
  },
  {
    module: 'shared/intrinsics',
    modules: ['shared/lib', 'shared/language', 'shared/jsonpath'],
    packages: PURE,
  },
  {
    module: 'shared/dataflow',
    modules: ['shared/lib', 'shared/language', 'shared/jsonpath', 'shared/intrinsics'],
    packages: PURE,
  },
  { module: 'shared/choice', modules: ['shared/lib', 'shared/language', 'shared/jsonpath'], packages: PURE },
  { module: 'shared/jsonata', modules: ['shared/lib', 'shared/language'], packages: [...PURE, 'jsonata'] },
  {
    module: 'shared/asl',
    modules: [
      'shared/lib',
      'shared/language',
      'shared/jsonpath',
      'shared/intrinsics',
      'shared/choice',
      'shared/jsonata',
    ],
    packages: [...PURE, 'jsonata'],
  },
  { module: 'shared/history', modules: ['shared/lib', 'shared/language'], packages: PURE },
  { module: 'shared/execution', modules: CORE, packages: PURE },
  { module: 'shared/engine', modules: CORE, packages: PURE },
  {
    module: 'shared/eventlog',
    modules: CORE,
    files: PORTS,
    packages: [...PURE, AWS_SDK, 'node:zlib', 'node:util'],
  },
  { module: 'shared/queue', modules: CORE, files: PORTS, packages: [...PURE, AWS_SDK, 'aws-lambda'] },
  // node:async_hooks: local functions name the invocation their console output belongs to; csv-parse,
  // hyparquet and node:zlib: a Distributed Map's ItemReader parses CSV and Parquet objects and decompresses
  // GZIP and ZSTD ones; node:http and node:https: the HTTP Task calls the API it names.
  {
    module: 'shared/integrations',
    modules: CORE,
    files: PORTS,
    packages: [
      ...PURE,
      AWS_SDK,
      'node:async_hooks',
      'node:zlib',
      'csv-parse',
      'hyparquet',
      'node:http',
      'node:https',
    ],
  },
  {
    module: 'shared/handlers',
    modules: ['shared/lib', 'shared/engine', 'shared/queue'],
    packages: [...PURE, '@middy/core', 'aws-lambda'],
  },
  {
    module: 'shared/composition',
    modules: [...CORE, 'shared/engine', ...ADAPTERS],
    packages: [...PURE, AWS_SDK],
  },
  {
    module: 'shared/local',
    modules: [
      ...CORE,
      'shared/engine',
      ...ADAPTERS,
      'shared/composition',
      'shared/handlers',
      'shared/console',
      // mockConfigFile: the MockConfigFile's reader, for StartExecution on `<arn>#<TestCase>`.
      'shared/testing',
    ],
    packages: [...PURE, 'node:*', 'aws-lambda', 'dynalite', 'fauxqs'],
  },
  {
    module: 'shared/testing',
    modules: [...CORE, 'shared/engine', 'shared/composition'],
    packages: PURE,
  },
  {
    module: 'shared/console',
    // The graph and the pages read only definition types; the console's server signs with the SDK's
    // credential chain and SigV4 signer.
    modules: ['shared/lib', 'shared/language'],
    packages: ['node:*', 'elkjs', '@aws-sdk/credential-provider-node', '@smithy/*'],
  },
  { module: 'functions', modules: ['shared/composition', 'shared/handlers'], packages: [] },
  {
    // The command line composes like local mode (it starts the local server, runs workflows, reads queues);
    // it never reaches into the deployed entry points or the stack.
    module: 'bin',
    modules: [
      ...CORE,
      'shared/engine',
      'shared/composition',
      'shared/integrations',
      // statefold dlq lists and re-drives the dead-letter queues.
      'shared/queue',
      'shared/local',
      'shared/testing',
      'shared/console',
    ],
    packages: ['node:*', AWS_SDK],
  },
  {
    module: 'infra',
    modules: ['infra', 'shared/lib'],
    // The stack reads the engine's constants (environment names, table layout), never its code.
    files: ['shared/engine/environment-names.ts', 'shared/eventlog/table.ts'],
    packages: ['aws-cdk-lib', 'constructs', 'node:*', '@aws-sdk/client-dynamodb', '@aws-sdk/client-sfn'],
  },
];

const files = readSourceFiles(process.cwd(), ['shared', 'functions', 'infra', 'bin']);
/** `new DynamoDBClient(…)`, `DynamoDBDocumentClient.from(…)`: an SDK client built. */
const SDK_CLIENT_CONSTRUCTION = /\bnew\s+[A-Z]\w*Client\s*\(|\b[A-Z]\w*Client\.from\s*\(/;

describe('the import graph follows the layers', () => {
  it.each(RULES.map((rule) => [rule.module, rule] as const))(
    '%s imports only what its layer allows',
    (_, rule) => {
      expect(files.some((file) => file.path.startsWith(`${rule.module}/`))).toBe(true);
      expect(findViolations(files, [rule])).toEqual([]);
    },
  );

  it('every folder under shared/ has a rule', () => {
    const modules = new Set(files.map((file) => file.path.split('/').slice(0, 2).join('/')));
    modules.delete('shared/index.ts');
    expect(
      [...modules].filter(
        (module) => module.startsWith('shared/') && !RULES.some((r) => r.module === module),
      ),
    ).toEqual([]);
  });

  it('the console graph and pages, which the browser loads, import nothing at run time outside them', () => {
    // The pages are plain JavaScript modules, which readSourceFiles (TypeScript only) leaves out.
    const pages = readdirSync('shared/console/web')
      .filter((name) => name.endsWith('.js'))
      .map((name) => ({
        path: `shared/console/web/${name}`,
        source: readFileSync(`shared/console/web/${name}`, 'utf8'),
      }));
    const browser = [...files.filter((file) => file.path.startsWith('shared/console/graph/')), ...pages];
    expect(pages.length).toBeGreaterThan(0);
    const offenders = browser.flatMap((file) =>
      importsOf({ path: file.path, source: file.source.replace(/^import type [^;]+;$/gm, '') })
        .filter((edge) => edge.kind === 'package' || !/^shared\/console\/(graph|web)\//.test(edge.to))
        .map((edge) => `${edge.from} → ${edge.to}`),
    );
    expect(offenders).toEqual([]);
  });

  it('local mode builds no SDK client: it gets each from the composition root', () => {
    const local = files.filter((file) => file.path.startsWith('shared/local/'));
    expect(local.length).toBeGreaterThan(0);
    expect(
      local.filter((file) => SDK_CLIENT_CONSTRUCTION.test(file.source)).map((file) => file.path),
    ).toEqual([]);
  });

  it('the pure core reads no clock and no entropy of its own', () => {
    const core = files.filter((file) => CORE.some((module) => file.path.startsWith(`${module}/`)));
    const offenders = core.filter((file) =>
      /Date\.now\(|new Date\(\)|Math\.random\(|performance\.now\(|randomUUID\(/.test(file.source),
    );
    expect(offenders.map((file) => file.path)).toEqual([]);
  });
});

describe('the checker', () => {
  it.each([
    [
      'an engine file importing an adapter',
      'shared/engine/x.ts',
      "import { DynamoEventLog } from '../eventlog/dynamo-event-log.ts';",
      'shared/engine may not import shared/eventlog',
    ],
    [
      'a core file importing the AWS SDK',
      'shared/execution/x.ts',
      "import { SQSClient } from '@aws-sdk/client-sqs';",
      'shared/execution may not import the package @aws-sdk/client-sqs',
    ],
    [
      'an adapter importing a use case',
      'shared/queue/x.ts',
      "import type { EngineDeps } from '../engine/engine-deps.ts';",
      'shared/queue may not import shared/engine',
    ],
    [
      'local mode importing a Lambda entry point',
      'shared/local/x.ts',
      "import { handler } from '../../functions/step.ts';",
      'shared/local may not import functions',
    ],
    [
      'local mode importing the AWS SDK',
      'shared/local/x.ts',
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      'shared/local may not import the package @aws-sdk/client-dynamodb',
    ],
    [
      'local mode importing an SDK type',
      'shared/local/x.ts',
      "import type { SQSClient } from '@aws-sdk/client-sqs';",
      'shared/local may not import the package @aws-sdk/client-sqs',
    ],
    [
      'a dynamic import',
      'shared/history/x.ts',
      "const m = await import('../engine/outbox.ts');",
      'shared/history may not import shared/engine',
    ],
  ])('reports %s', (_, path, source, rule) => {
    expect(findViolations([{ path, source }], RULES).map((violation) => violation.rule)).toEqual([rule]);
  });

  it.each([
    ['new DynamoDBClient({ endpoint })', true],
    ['DynamoDBDocumentClient.from(client)', true],
    ['localDynamoDBClient(endpoint)', false],
    ['const client: LocalSqsClient = sqs.client;', false],
  ])('tells an SDK client built from one taken: %s', (source, built) => {
    expect(SDK_CLIENT_CONSTRUCTION.test(source)).toBe(built);
  });

  it('allows an adapter to read the ports', () => {
    const source = "import type { Commit } from '../engine/ports.ts';";
    expect(findViolations([{ path: 'shared/eventlog/x.ts', source }], RULES)).toEqual([]);
  });
});
