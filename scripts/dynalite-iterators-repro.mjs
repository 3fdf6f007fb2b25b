// dynalite 4 leaves every Query's LevelDB iterator open: a repro for the upstream report in
// docs/dynalite-iterators.md. Run from the repository: `node scripts/dynalite-iterators-repro.mjs`.
// Exits 0 when the bug reproduces (iterators opened but never closed), 1 when each Query closes its own.
import { createRequire } from 'node:module';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite');
const fromDynalite = createRequire(require.resolve('dynalite'));
const { AbstractIterator } = fromDynalite('abstract-level');
const base = Object.getPrototypeOf(AbstractIterator.prototype);
console.log(`abstract-level iterators have return(): ${typeof base.return === 'function'}`);

let opened = 0;
let closed = 0;
const close = base.close;
base.close = function (...args) {
  closed += 1;
  return close.apply(this, args);
};

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const client = new DynamoDBClient({
  endpoint: `http://127.0.0.1:${port}`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
await client.send(
  new CreateTableCommand({
    TableName: 'repro',
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  }),
);
for (let n = 0; n < 5; n++) {
  await client.send(new PutItemCommand({ TableName: 'repro', Item: { pk: { S: 'p' }, sk: { S: `s${n}` } } }));
}
const queries = 20;
const before = closed;
for (let n = 0; n < queries; n++) {
  opened += 1;
  await client.send(
    new QueryCommand({
      TableName: 'repro',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'p' } },
      ...(n % 2 === 0 ? { Limit: 2 } : {}),
    }),
  );
}
await new Promise((resolve) => setTimeout(resolve, 200));
const closedByQueries = closed - before;
console.log(`${queries} Queries, ${closedByQueries} LevelDB iterators closed`);
client.destroy();
await new Promise((resolve) => server.close(resolve));
const reproduced = closedByQueries < opened;
console.log(
  reproduced ? 'REPRODUCED: Query iterators are left open' : 'not reproduced: each Query closes its iterator',
);
process.exit(reproduced ? 0 : 1);
