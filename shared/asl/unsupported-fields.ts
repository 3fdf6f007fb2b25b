import type { Diagnostic } from '../language/types.ts';
import { isJsonObject, type JsonObject } from '../lib/json.ts';
import { childLocation, schemaError } from './diagnostics.ts';
import { nestedBlocksOf } from './variable-references.ts';

/**
 * Distributed Map forms AWS accepts that Statefold cannot run yet (issue 14). A definition using one is refused
 * where it would be deployed or run (CreateStateMachine, UpdateStateMachine, `statefold run`, `start`, `test`),
 * never run as if the field were absent: a Map would otherwise write its results otherwise than AWS would, or
 * read its items otherwise. ValidateStateMachineDefinition still answers as AWS does.
 */

/** The ItemReader forms Statefold reads: S3 listObjectsV2, getObject of a JSON, JSONL or CSV object or an inventory. */
const READER_RESOURCES = /^arn:aws[\w-]*:states:::s3:(getObject|listObjectsV2)$/;
const READER_INPUT_TYPES = new Set(['JSON', 'JSONL', 'CSV', 'MANIFEST', 'PARQUET']);
const COMPRESSED_INPUT_TYPES = new Set(['JSON', 'JSONL', 'CSV']);
const ATHENA_INPUT_TYPES = new Set(['CSV', 'JSONL', 'PARQUET']);
const LISTED_INPUT_TYPES = new Set(['JSON', 'JSONL', 'CSV', 'PARQUET']);

/** ItemReader and ResultWriter belong to a Distributed Map: Statefold runs them only there. */
function needsDistributed(state: JsonObject, what: string, at: string): Diagnostic[] {
  const processor = isJsonObject(state.ItemProcessor) ? state.ItemProcessor : undefined;
  const config = isJsonObject(processor?.ProcessorConfig) ? processor.ProcessorConfig : undefined;
  if (config?.Mode === 'DISTRIBUTED') return [];
  return [
    schemaError(
      `${what} needs a Distributed Map: set the ItemProcessor's ProcessorConfig Mode to DISTRIBUTED`,
      at,
    ),
  ];
}

/**
 * What in a Map's ResultWriter Statefold cannot write: a resource but s3:putObject; a WriterConfig alone (the
 * state's output shaped, nothing written) asking for JSON Lines or for NONE, whose output AWS does not document.
 */
function resultWriterProblems(state: JsonObject, location: string): Diagnostic[] {
  const writer = state.ResultWriter;
  if (!isJsonObject(writer)) return [];
  const at = childLocation(location, 'ResultWriter');
  const problems: Diagnostic[] = [];
  problems.push(...needsDistributed(state, 'A ResultWriter', at));
  if (Object.hasOwn(writer, 'Resource')) {
    const resource = typeof writer.Resource === 'string' ? writer.Resource : '';
    if (!/^arn:aws[\w-]*:states:::s3:putObject$/.test(resource)) {
      problems.push(
        schemaError(
          `Statefold writes results with arn:aws:states:::s3:putObject, not '${resource}'`,
          childLocation(at, 'Resource'),
        ),
      );
    }
    return problems;
  }
  const config = isJsonObject(writer.WriterConfig) ? writer.WriterConfig : {};
  const configAt = childLocation(at, 'WriterConfig');
  if (config.OutputType === 'JSONL') {
    problems.push(
      schemaError(
        "Statefold does not shape a Map's output as JSON Lines: a WriterConfig without a Resource gives the state's output, a JSON array (OutputType JSON), or add a Resource and Parameters to write JSONL files to S3",
        childLocation(configAt, 'OutputType'),
      ),
    );
  }
  if (config.Transformation === 'NONE') {
    problems.push(
      schemaError(
        'Statefold does not support Transformation NONE in a WriterConfig without a Resource yet: use COMPACT or FLATTEN, or add a Resource and Parameters to write the executions to S3',
        childLocation(configAt, 'Transformation'),
      ),
    );
  }
  return problems;
}

/** What in a Map's ItemReader Statefold cannot read (yet), each with where it is; none when it can. */
function itemReaderProblems(state: JsonObject, location: string): Diagnostic[] {
  const reader = state.ItemReader;
  if (!isJsonObject(reader)) return [];
  const at = childLocation(location, 'ItemReader');
  const problems: Diagnostic[] = [];
  problems.push(...needsDistributed(state, 'An ItemReader', at));
  const resource = typeof reader.Resource === 'string' ? reader.Resource : '';
  const action = READER_RESOURCES.exec(resource)?.[1];
  if (action === undefined) {
    problems.push(
      schemaError(
        `Statefold reads items with arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2, not '${resource}'`,
        childLocation(at, 'Resource'),
      ),
    );
  }
  const readerConfig = isJsonObject(reader.ReaderConfig) ? reader.ReaderConfig : {};
  const inputType = readerConfig.InputType;
  if (
    action === 'getObject' &&
    readerConfig.ManifestType !== 'ATHENA_DATA' &&
    !READER_INPUT_TYPES.has(String(inputType ?? 'JSON'))
  ) {
    problems.push(
      schemaError(
        `Statefold does not read ItemReader InputType ${JSON.stringify(inputType)} yet: it reads JSON, JSONL, CSV and Parquet objects and S3 inventory manifests`,
        childLocation(childLocation(at, 'ReaderConfig'), 'InputType'),
      ),
    );
  }
  if (
    Object.hasOwn(readerConfig, 'ItemsPointer') &&
    (action !== 'getObject' || (inputType ?? 'JSON') !== 'JSON')
  ) {
    problems.push(
      schemaError(
        'ItemsPointer selects the items inside a JSON object: it needs Resource arn:aws:states:::s3:getObject and InputType JSON',
        childLocation(childLocation(at, 'ReaderConfig'), 'ItemsPointer'),
      ),
    );
  }
  if (Object.hasOwn(state, 'ItemsPath')) {
    problems.push(
      schemaError(
        "Statefold does not read ItemsPath with an ItemReader: the items are the ItemReader's; select a nested array of a JSON object with ReaderConfig ItemsPointer",
        childLocation(location, 'ItemsPath'),
      ),
    );
  }
  const compression = readerConfig.CompressionType;
  if (compression !== undefined) {
    const compressedAt = childLocation(childLocation(at, 'ReaderConfig'), 'CompressionType');
    if (compression !== 'NONE' && compression !== 'GZIP' && compression !== 'ZSTD') {
      problems.push(
        schemaError(
          `Statefold reads CompressionType GZIP, ZSTD or NONE, not ${JSON.stringify(compression)}`,
          compressedAt,
        ),
      );
    } else if (compression !== 'NONE' && !COMPRESSED_INPUT_TYPES.has(String(inputType ?? 'JSON'))) {
      problems.push(
        schemaError(
          `Statefold decompresses JSON, JSONL and CSV objects, not InputType ${JSON.stringify(inputType ?? 'JSON')}: a Parquet file compresses its own pages`,
          compressedAt,
        ),
      );
    }
  }
  const manifestType = readerConfig.ManifestType;
  if (manifestType === 'ATHENA_DATA' && !ATHENA_INPUT_TYPES.has(String(inputType))) {
    problems.push(
      schemaError(
        `An Athena manifest (ManifestType ATHENA_DATA) lists data files: give their InputType, CSV, JSONL or PARQUET, not ${JSON.stringify(inputType ?? null)}`,
        childLocation(childLocation(at, 'ReaderConfig'), 'InputType'),
      ),
    );
  } else if (
    manifestType !== undefined &&
    manifestType !== 'S3_INVENTORY' &&
    manifestType !== 'ATHENA_DATA'
  ) {
    problems.push(
      schemaError(
        `Statefold reads S3 inventory and Athena manifests, not ManifestType ${JSON.stringify(manifestType)}`,
        childLocation(childLocation(at, 'ReaderConfig'), 'ManifestType'),
      ),
    );
  }
  const transformation = readerConfig.Transformation;
  if (transformation !== undefined && transformation !== 'NONE') {
    if (transformation !== 'LOAD_AND_FLATTEN' || action !== 'listObjectsV2') {
      problems.push(
        schemaError(
          `Statefold reads ReaderConfig Transformation LOAD_AND_FLATTEN with arn:aws:states:::s3:listObjectsV2 only, not ${JSON.stringify(transformation)} here`,
          childLocation(childLocation(at, 'ReaderConfig'), 'Transformation'),
        ),
      );
    } else if (!LISTED_INPUT_TYPES.has(String(inputType))) {
      problems.push(
        schemaError(
          `LOAD_AND_FLATTEN reads each listed object as its InputType says: give InputType JSON, JSONL, CSV or PARQUET, not ${JSON.stringify(inputType ?? null)}`,
          childLocation(childLocation(at, 'ReaderConfig'), 'InputType'),
        ),
      );
    }
  }
  return problems;
}

/** The unsupported forms a definition uses, each located as AWS locates a field: at the field that holds it. */
export function findUnsupportedFields(definition: JsonObject): Diagnostic[] {
  const found: Diagnostic[] = [];
  const visit = (block: JsonObject, at: string): void => {
    if (!isJsonObject(block.States)) return;
    for (const [name, state] of Object.entries(block.States)) {
      if (!isJsonObject(state)) continue;
      const location = childLocation(childLocation(at, 'States'), name);
      if (state.Type === 'Map') {
        found.push(...itemReaderProblems(state, location), ...resultWriterProblems(state, location));
      }
      for (const nested of nestedBlocksOf(state, location)) visit(nested.block, nested.location);
    }
  };
  visit(definition, '/');
  return found;
}
