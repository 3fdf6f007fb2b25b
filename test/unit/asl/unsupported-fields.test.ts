import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../../shared/asl/parse-definition.ts';
import { validateDefinition } from '../../../shared/asl/validate-definition.ts';
import { runExecution } from '../../../shared/composition/run-execution.ts';

/** Distributed Map fields Statefold cannot run yet are refused where a definition is deployed or run. */

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

describe('ItemReader and ResultWriter', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['ItemReader', { ItemReader: READER }, '/States/M/ItemReader'],
    [
      'ResultWriter',
      { ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b' } } },
      '/States/M/ResultWriter',
    ],
  ])('a Map with %s is refused, located at the field', (field, fields, location) => {
    const definition = { StartAt: 'M', States: { M: mapWith(fields) } };
    const parsed = parseDefinition(JSON.stringify(definition));
    expect(parsed.definition).toBeUndefined();
    expect(parsed.diagnostics).toEqual([
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: expect.stringContaining(`Statefold does not support the Map field '${field}'`),
        location,
      },
    ]);
    // What AWS says stays what AWS says: ValidateStateMachineDefinition accepts it.
    expect(validateDefinition(JSON.stringify(definition)).result).toBe('OK');
  });

  it('finds them inside Parallel branches and Map processors, every one', () => {
    const inner = { StartAt: 'Inner', States: { Inner: mapWith({ ItemReader: READER }) } };
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
                  ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b' } },
                }),
              },
            },
          ],
          End: true,
        },
      },
    };
    expect(parseDefinition(definition).diagnostics.map((d) => d.location)).toEqual([
      '/States/P/Branches[0]/States/Outer/ResultWriter',
      '/States/P/Branches[0]/States/Outer/ItemProcessor/States/Inner/ItemReader',
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

  it('runExecution refuses the definition with InvalidDefinition before running anything', async () => {
    const definition = { StartAt: 'M', States: { M: mapWith({ ItemReader: READER }) } };
    await expect(runExecution({ definition, input: {}, clock: 'virtual' })).rejects.toMatchObject({
      code: 'InvalidDefinition',
      message: expect.stringContaining("Statefold does not support the Map field 'ItemReader'"),
    });
  });
});
