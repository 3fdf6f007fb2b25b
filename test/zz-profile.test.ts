import { it } from 'vitest';
import { startTestbed } from './support/durable-testbed.ts';

it('profile', async () => {
  const testbed = await startTestbed({ virtualClock: Date.UTC(2026, 0, 1) });
  const def = { StartAt: 'P', States: { P: { Type: 'Pass', Next: 'W' }, W: { Type: 'Wait', Seconds: 5, End: true } } };
  const fnDef = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true } } };
  for (const [label, d] of [['pass+wait', def], ['task', fnDef]] as const) {
    const t0 = performance.now(); const c0 = process.cpuUsage();
    for (let i = 0; i < 20; i++) {
      await testbed.run({ definition: d, functions: { f: (e: unknown) => e }, machineName: 'Conformance', executionName: 'case', freshTable: true });
    }
    console.log(JSON.stringify((globalThis as any).__T)); (globalThis as any).__T = {};
    const c = process.cpuUsage(c0); console.log(label, 'per run ms', ((performance.now() - t0) / 20).toFixed(0), 'cpu ms/run', ((c.user + c.system) / 20000).toFixed(0));
  }
  await testbed.stop();
}, 120_000);
