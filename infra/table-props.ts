import type { AttributeDefinition, KeySchemaElement, Projection } from '@aws-sdk/client-dynamodb';
import {
  type Attribute,
  AttributeType,
  Billing,
  type GlobalSecondaryIndexPropsV2,
  ProjectionType,
  TableEncryptionV2,
  type TablePropsV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { createTableInput, TTL_ATTRIBUTE } from '../shared/eventlog/table.ts';

/**
 * The table's CDK props, translated from `createTableInput` (the layout local mode and the tests create), so the
 * stack's keys and indexes can never drift from what the event log adapter queries.
 */
export type LayoutTableProps = Required<
  Pick<
    TablePropsV2,
    | 'partitionKey'
    | 'sortKey'
    | 'billing'
    | 'pointInTimeRecoverySpecification'
    | 'encryption'
    | 'timeToLiveAttribute'
  >
> & { globalSecondaryIndexes: GlobalSecondaryIndexPropsV2[] };

const ATTRIBUTE_TYPES: Record<string, AttributeType> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
};

const PROJECTION_TYPES: Record<string, ProjectionType> = {
  ALL: ProjectionType.ALL,
  KEYS_ONLY: ProjectionType.KEYS_ONLY,
  INCLUDE: ProjectionType.INCLUDE,
};

export function tablePropsFromLayout(): LayoutTableProps {
  const layout = createTableInput('layout');
  const definitions = layout.AttributeDefinitions ?? [];
  const keyOf = (schema: KeySchemaElement[] | undefined, keyType: 'HASH' | 'RANGE'): Attribute =>
    attributeOf(definitions, schema?.find((key) => key.KeyType === keyType)?.AttributeName);
  return {
    partitionKey: keyOf(layout.KeySchema, 'HASH'),
    sortKey: keyOf(layout.KeySchema, 'RANGE'),
    billing: Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // The aws/dynamodb KMS key: encryption keys visible in the account (and CloudTrail), no key to manage.
    encryption: TableEncryptionV2.awsManagedKey(),
    timeToLiveAttribute: TTL_ATTRIBUTE,
    globalSecondaryIndexes: (layout.GlobalSecondaryIndexes ?? []).map((index) => ({
      indexName: required(index.IndexName, 'IndexName'),
      partitionKey: keyOf(index.KeySchema, 'HASH'),
      sortKey: keyOf(index.KeySchema, 'RANGE'),
      ...projectionOf(index.Projection),
    })),
  };
}

function attributeOf(definitions: AttributeDefinition[], name: string | undefined): Attribute {
  const definition = definitions.find((candidate) => candidate.AttributeName === required(name, 'key name'));
  const type = ATTRIBUTE_TYPES[required(definition?.AttributeType, `type of ${name}`)];
  return { name: required(name, 'key name'), type: required(type, `CDK type of ${name}`) };
}

function projectionOf(projection: Projection | undefined): {
  projectionType: ProjectionType;
  nonKeyAttributes?: string[];
} {
  const projectionType = required(PROJECTION_TYPES[projection?.ProjectionType ?? 'ALL'], 'projection type');
  return projectionType === ProjectionType.INCLUDE
    ? { projectionType, nonKeyAttributes: [...(projection?.NonKeyAttributes ?? [])] }
    : { projectionType };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`Statefold stack: createTableInput has no ${what}`);
  return value;
}
