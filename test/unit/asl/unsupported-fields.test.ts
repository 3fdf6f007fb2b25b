import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../../shared/asl/parse-definition.ts';
import { validateDefinition } from '../../../shared/asl/validate-definition.ts';
import { runExecution } from '../../../shared/composition/run-execution.ts';

/** Distributed Map fields (and ItemReader forms) Statefold cannot run yet are refused where a definition is deployed or run. */

const processor = {
  ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
  StartAt: 'Each',
  States: { Each: { Type: 'Pass', End: true } },
};

const mapWith = (fields: Record<string, unknown>) => ({
  Type: 'Map',
  ItemProcessor: processor,
  End: true,
  ...fields,
});

const READER = {
  Resource: 'arn:aws:states:::s3:getObject',
  ReaderConfig: { InputType: 'CSV' },
  Parameters: { Bucket: 'b', Key: 'k.csv' },
};

const WRITER = { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b', Prefix: 'runs' } };

describe('ItemReader and ResultWriter', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'a WriterConfig alone asking for JSON Lines',
      { ResultWriter: { WriterConfig: { OutputType: 'JSONL', Transformation: 'COMPACT' } } },
      '/States/M/ResultWriter/WriterConfig/OutputType',
      "Statefold does not shape a Map's output as JSON Lines",
    ],
    [
      'a WriterConfig alone with Transformation NONE',
      { ResultWriter: { WriterConfig: { OutputType: 'JSON', Transformation: 'NONE' } } },
      '/States/M/ResultWriter/WriterConfig/Transformation',
      'Statefold does not support Transformation NONE in a WriterConfig without a Resource yet',
    ],
  ])('a Map with %s is refused, located at the field', (_field, fields, location, message) => {
    const definition = { StartAt: 'M', States: { M: mapWith(fields) } };
    const parsed = parseDefinition(JSON.stringify(definition));
    expect(parsed.definition).toBeUndefined();
    expect(parsed.diagnostics).toEqual([
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: expect.stringContaining(message),
        location,
      },
    ]);
    // What AWS says stays what AWS says: ValidateStateMachineDefinition accepts it.
    expect(validateDefinition(JSON.stringify(definition)).result).toBe('OK');
  });

  it.each([
    { ...WRITER, WriterConfig: { OutputType: 'JSONL' } },
    { ...WRITER, WriterConfig: { OutputType: 'JSON', Transformation: 'FLATTEN' } },
    { WriterConfig: { OutputType: 'JSON', Transformation: 'COMPACT' } },
  ])('a ResultWriter with a WriterConfig Statefold writes is accepted: %j', (writer) => {
    const definition = { StartAt: 'M', States: { M: mapWith({ ResultWriter: writer }) } };
    expect(parseDefinition(JSON.stringify(definition)).diagnostics).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'an empty ResultWriter',
      {},
      '/States/M/ResultWriter',
      'These fields are required: [Resource, Parameters]',
    ],
    [
      'a Resource without Parameters',
      { Resource: WRITER.Resource },
      '/States/M/ResultWriter',
      'These fields are required: [Parameters]',
    ],
    [
      'Parameters and a WriterConfig without a Resource',
      { Parameters: WRITER.Parameters, WriterConfig: { OutputType: 'JSON' } },
      '/States/M/ResultWriter',
      'These fields are required: [Resource]',
    ],
    [
      'a WriterConfig without its OutputType',
      { ...WRITER, WriterConfig: { Transformation: 'FLATTEN' } },
      '/States/M/ResultWriter/WriterConfig',
      'These fields are required: [OutputType]',
    ],
    [
      'an OutputType AWS does not have',
      { ...WRITER, WriterConfig: { OutputType: 'CSV' } },
      '/States/M/ResultWriter/WriterConfig/OutputType',
      'JSON',
    ],
    [
      'a Transformation AWS does not have',
      { ...WRITER, WriterConfig: { OutputType: 'JSON', Transformation: 'LOAD_AND_FLATTEN' } },
      '/States/M/ResultWriter/WriterConfig/Transformation',
      'COMPACT',
    ],
    [
      'a field WriterConfig does not have',
      { ...WRITER, WriterConfig: { OutputType: 'JSON', Compression: 'GZIP' } },
      '/States/M/ResultWriter/WriterConfig',
      "Field 'Compression' is not supported",
    ],
  ])('ValidateStateMachineDefinition refuses %s', (_what, writer, location, message) => {
    const definition = JSON.stringify({ StartAt: 'M', States: { M: mapWith({ ResultWriter: writer }) } });
    const validated = validateDefinition(definition);
    expect(validated.result).toBe('FAIL');
    expect(validated.diagnostics).toEqual([
      expect.objectContaining({
        code: 'SCHEMA_VALIDATION_FAILED',
        location,
        message: expect.stringContaining(message),
      }),
    ]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'an Athena manifest of its own kind of data',
      { ...READER, ReaderConfig: { InputType: 'MANIFEST', ManifestType: 'ATHENA_DATA' } },
      '/States/M/ItemReader/ReaderConfig/InputType',
      'give their InputType, CSV, JSONL or PARQUET',
    ],
    [
      'a CompressionType Statefold does not read',
      { ...READER, ReaderConfig: { InputType: 'CSV', CompressionType: 'BZIP2' } },
      '/States/M/ItemReader/ReaderConfig/CompressionType',
      'Statefold reads CompressionType GZIP, ZSTD or NONE, not "BZIP2"',
    ],
    [
      'a compressed Parquet object',
      { ...READER, ReaderConfig: { InputType: 'PARQUET', CompressionType: 'GZIP' } },
      '/States/M/ItemReader/ReaderConfig/CompressionType',
      'Statefold decompresses JSON, JSONL and CSV objects, not InputType "PARQUET"',
    ],
    [
      'an input type AWS does not have',
      { ...READER, ReaderConfig: { InputType: 'AVRO' } },
      '/States/M/ItemReader/ReaderConfig/InputType',
      'Statefold does not read ItemReader InputType "AVRO"',
    ],
    [
      'an S3 action other than getObject and listObjectsV2',
      { ...READER, Resource: 'arn:aws:states:::s3:headObject' },
      '/States/M/ItemReader/Resource',
      "not 'arn:aws:states:::s3:headObject'",
    ],
    [
      'LOAD_AND_FLATTEN on getObject',
      { ...READER, ReaderConfig: { InputType: 'CSV', Transformation: 'LOAD_AND_FLATTEN' } },
      '/States/M/ItemReader/ReaderConfig/Transformation',
      'Statefold reads ReaderConfig Transformation LOAD_AND_FLATTEN with arn:aws:states:::s3:listObjectsV2 only',
    ],
    [
      'LOAD_AND_FLATTEN without an InputType',
      {
        Resource: 'arn:aws:states:::s3:listObjectsV2',
        ReaderConfig: { Transformation: 'LOAD_AND_FLATTEN' },
        Parameters: { Bucket: 'b' },
      },
      '/States/M/ItemReader/ReaderConfig/InputType',
      'LOAD_AND_FLATTEN reads each listed object as its InputType says',
    ],
  ])('an ItemReader over %s is refused, located at the field', (_what, reader, location, message) => {
    const parsed = parseDefinition({ StartAt: 'M', States: { M: mapWith({ ItemReader: reader }) } });
    expect(parsed.diagnostics).toEqual([
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: expect.stringContaining(message),
        location,
      },
    ]);
  });

  it('ItemsPath beside an ItemReader, and ItemsPointer on anything but a JSON object, are refused', () => {
    const withPath = parseDefinition({
      StartAt: 'M',
      States: { M: mapWith({ ItemReader: READER, ItemsPath: '$.items' }) },
    });
    expect(withPath.diagnostics.map((d) => [d.location, d.message])).toEqual([
      [
        '/States/M/ItemsPath',
        expect.stringContaining('Statefold does not read ItemsPath with an ItemReader'),
      ],
    ]);
    const csvPointer = parseDefinition({
      StartAt: 'M',
      States: {
        M: mapWith({ ItemReader: { ...READER, ReaderConfig: { InputType: 'CSV', ItemsPointer: '/a' } } }),
      },
    });
    expect(csvPointer.diagnostics.map((d) => d.location)).toEqual([
      '/States/M/ItemReader/ReaderConfig/ItemsPointer',
    ]);
  });

  it('an ItemReader on an inline Map is refused: it needs a Distributed Map', () => {
    const inline = { StartAt: 'Each', States: { Each: { Type: 'Pass', End: true } } };
    const parsed = parseDefinition({
      StartAt: 'M',
      States: { M: mapWith({ ItemReader: READER, ItemProcessor: inline }) },
    });
    expect(parsed.diagnostics.map((d) => [d.location, d.message])).toEqual([
      ['/States/M/ItemReader', expect.stringContaining('An ItemReader needs a Distributed Map')],
    ]);
  });

  it('an ItemReader of a JSON, JSONL or CSV object, or of a bucket listing, is accepted', () => {
    for (const reader of [
      READER,
      { ...READER, ReaderConfig: { InputType: 'JSONL' } },
      { ...READER, ReaderConfig: { InputType: 'JSON' } },
      { ...READER, ReaderConfig: { InputType: 'MANIFEST' } },
      { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'b', Prefix: 'p/' } },
    ]) {
      expect(
        parseDefinition({ StartAt: 'M', States: { M: mapWith({ ItemReader: reader }) } }).diagnostics,
      ).toEqual([]);
    }
  });

  it('finds them inside Parallel branches and Map processors, every one', () => {
    const inner = {
      StartAt: 'Inner',
      States: { Inner: mapWith({ ItemReader: { ...READER, ReaderConfig: { InputType: 'AVRO' } } }) },
    };
    const definition = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Outer',
              States: {
                Outer: mapWith({
                  ItemProcessor: { ...processor, ...inner },
                  ResultWriter: { WriterConfig: { OutputType: 'JSONL' } },
                }),
              },
            },
          ],
          End: true,
        },
      },
    };
    expect(parseDefinition(definition).diagnostics.map((d) => d.location)).toEqual([
      '/States/P/Branches[0]/States/Outer/ResultWriter/WriterConfig/OutputType',
      '/States/P/Branches[0]/States/Outer/ItemProcessor/States/Inner/ItemReader/ReaderConfig/InputType',
    ]);
  });

  it('a Map over its input runs as before, batched or not', () => {
    expect(
      parseDefinition({ StartAt: 'M', States: { M: mapWith({ ItemsPath: '$.items' }) } }).definition,
    ).toBeDefined();
    expect(
      parseDefinition({ StartAt: 'M', States: { M: mapWith({ ItemBatcher: { MaxItemsPerBatch: 2 } }) } })
        .definition,
    ).toBeDefined();
  });

  it('a ResultWriter writing with s3:putObject is accepted; another resource is refused at its Resource', () => {
    expect(
      parseDefinition({ StartAt: 'M', States: { M: mapWith({ ResultWriter: WRITER }) } }).diagnostics,
    ).toEqual([]);
    const parsed = parseDefinition({
      StartAt: 'M',
      States: { M: mapWith({ ResultWriter: { ...WRITER, Resource: 'arn:aws:states:::s3:copyObject' } }) },
    });
    expect(parsed.diagnostics.map((d) => d.location)).toEqual(['/States/M/ResultWriter/Resource']);
  });

  it('runExecution refuses the definition with InvalidDefinition before running anything', async () => {
    const writer = { WriterConfig: { OutputType: 'JSONL' } };
    const definition = { StartAt: 'M', States: { M: mapWith({ ResultWriter: writer }) } };
    await expect(runExecution({ definition, input: {}, clock: 'virtual' })).rejects.toMatchObject({
      code: 'InvalidDefinition',
      message: expect.stringContaining("Statefold does not shape a Map's output as JSON Lines"),
    });
  });

  it('the in-memory runner shapes the output with a WriterConfig alone: FLATTEN splices the outputs', async () => {
    const pairs = {
      ...processor,
      States: {
        Each: { Type: 'Pass', Parameters: { 'p.$': 'States.Array($, $)' }, OutputPath: '$.p', End: true },
      },
    };
    const definition = {
      StartAt: 'M',
      States: {
        M: mapWith({
          ItemProcessor: pairs,
          ResultWriter: { WriterConfig: { OutputType: 'JSON', Transformation: 'FLATTEN' } },
        }),
      },
    };
    const run = await runExecution({ definition, input: [1, 2], clock: 'virtual' });
    expect(run).toMatchObject({ status: 'SUCCEEDED' });
    expect(JSON.parse(run.output ?? 'null')).toEqual([1, 1, 2, 2]);
  });

  it("the in-memory runner cannot write a Map Run's results: States.ResultWriterFailed, saying why", async () => {
    const definition = { StartAt: 'M', States: { M: mapWith({ ResultWriter: WRITER }) } };
    const run = await runExecution({ definition, input: [1, 2], clock: 'virtual' });
    expect(run).toMatchObject({ status: 'FAILED', error: 'States.ResultWriterFailed' });
    expect(run.cause).toContain('in-memory runner');
  });

  it('the in-memory runner, with no S3 to read from, fails the Map Run with States.ItemReaderFailed', async () => {
    const definition = { StartAt: 'M', States: { M: mapWith({ ItemReader: READER }) } };
    const run = await runExecution({ definition, input: {}, clock: 'virtual' });
    expect(run).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
  });
});
