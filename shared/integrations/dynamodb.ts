import type { Json } from '../lib/json.ts';
import { type OptimizedAction, objectOf, withSdkMetadata } from './optimized-integration.ts';

/**
 * `arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`: the request and the result are
 * DynamoDB's own, typed attribute values (`{"S": "…"}`, `{"N": "42"}`) passed through as written.
 */
function itemAction(action: string): OptimizedAction {
  return {
    client: 'dynamodb',
    action,
    errorPrefix: 'DynamoDB',
    javaService: 'AmazonDynamoDBv2',
    request: (parameters: Json) => objectOf(parameters),
    result: (result, sent) => ({ ok: true, output: withSdkMetadata(result, sent) }),
  };
}

export const DYNAMODB_ACTIONS: Readonly<Record<string, OptimizedAction>> = {
  getItem: itemAction('getItem'),
  putItem: itemAction('putItem'),
  updateItem: itemAction('updateItem'),
  deleteItem: itemAction('deleteItem'),
};
