// Repro for a fauxqs bug (docs/fauxqs-visibility-zero.md): with persistence on (`dataDir`),
// ChangeMessageVisibility to 0 answers HTTP 500 and the message disappears until the server restarts; on a FIFO
// queue its message group stays locked too. Without `dataDir` the same calls work.
//
// Standalone: needs only `fauxqs` and `@aws-sdk/client-sqs`. Run: node scripts/fauxqs-visibility-zero-repro.mjs
// Exit code 0 when the bug reproduces (the output says so), 1 when fauxqs behaves as SQS does.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';

/** The installed version of a package (its package.json above its entry point; `exports` may hide the file). */
function version(name) {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.name === name) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
    dir = dirname(dir);
  }
}

async function scenario({ persisted, fifo }) {
  const dataDir = persisted ? mkdtempSync(join(tmpdir(), 'fauxqs-visibility-zero-')) : undefined;
  let server = await startFauxqs({ port: 0, logger: false, ...(dataDir ? { dataDir } : {}) });
  const client = (address) =>
    new SQSClient({
      endpoint: address,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1, // no SDK retry: the retry of a failed change answers MessageNotInflight, hiding the 500
    });
  let sqs = client(server.address);
  const name = fifo ? 'q.fifo' : 'q';
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: 'true' } : {} }),
  );
  const fifoFields = (n) => (fifo ? { MessageGroupId: 'g', MessageDeduplicationId: `m${n}` } : {});
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'first', ...fifoFields(1) }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'second', ...fifoFields(2) }));

  // 1. Receive one message (hidden for 2 s), then make it visible again at once.
  const received = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 2 }),
  );
  const message = received.Messages?.[0];
  let change = 'OK';
  try {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: message?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  } catch (error) {
    change = `${error.$metadata?.httpStatusCode} ${error.name}: ${error.message}`;
  }

  // 2. Wait past the original 2 s visibility timeout too, then receive everything there is.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const receiveAll = async () => {
    const bodies = [];
    for (let i = 0; i < 3; i++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 30,
        }),
      );
      bodies.push(...Messages.map((m) => m.Body));
    }
    return bodies;
  };
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
  );
  const after = await receiveAll();

  // 3. Restart on the same data folder: the message comes back from SQLite.
  let afterRestart;
  if (dataDir) {
    await server.stop();
    server = await startFauxqs({ port: 0, logger: false, dataDir });
    sqs = client(server.address);
    afterRestart = (await receiveAll()).filter((body) => !after.includes(body));
  }
  await server.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  return {
    queue: `${fifo ? 'FIFO' : 'standard'}, ${persisted ? 'dataDir (SQLite)' : 'in memory'}`,
    firstReceived: message?.Body,
    changeMessageVisibility0: change,
    attributesAfter: `visible ${Attributes.ApproximateNumberOfMessages}, in flight ${Attributes.ApproximateNumberOfMessagesNotVisible}`,
    receivedAfter: after,
    ...(afterRestart ? { receivedAfterRestart: afterRestart } : {}),
  };
}

console.log(
  `fauxqs ${version('fauxqs')}, @aws-sdk/client-sqs ${version('@aws-sdk/client-sqs')}, Node ${process.version}`,
);
let reproduced = false;
let controlsBehave = true;
for (const fifo of [false, true]) {
  for (const persisted of [false, true]) {
    const result = await scenario({ persisted, fifo });
    console.log(JSON.stringify(result));
    // SQS: the first message is visible again at once and is received again (on FIFO it still holds its group,
    // so 'second' waits for it to be deleted; on a standard queue 'second' comes too).
    const cameBack = result.receivedAfter.includes('first');
    if (persisted && !cameBack) reproduced = true;
    if (!persisted && !cameBack) controlsBehave = false;
  }
}
console.log(
  reproduced && controlsBehave
    ? 'REPRODUCED: in memory the message comes back at once; with dataDir, ChangeMessageVisibility 0 answers 500 and the message (and, on FIFO, its group) is not delivered again until a restart'
    : `NOT REPRODUCED (persisted lost the message: ${reproduced}; in-memory controls behaved: ${controlsBehave})`,
);
process.exit(reproduced && controlsBehave ? 0 : 1);
