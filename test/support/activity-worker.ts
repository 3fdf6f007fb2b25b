/**
 * An activity worker as a process of its own, for the tests that kill one mid-task:
 * `node activity-worker.ts <endpoint> <activityArn> <workerName>`. It polls until it gets a task, prints
 * `TASK <token>`, sends one heartbeat, prints `BEAT`, and then works forever (until it is killed).
 */
import { GetActivityTaskCommand, SendTaskHeartbeatCommand, SFNClient } from '@aws-sdk/client-sfn';

const [endpoint = '', activityArn, workerName] = process.argv.slice(2);
const sfn = new SFNClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});

for (;;) {
  const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName }));
  if (!task.taskToken) continue;
  process.stdout.write(`TASK ${task.taskToken}\n`);
  await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
  process.stdout.write('BEAT\n');
  // The work never ends: only a kill stops this worker.
  setInterval(() => {}, 60_000);
  break;
}
