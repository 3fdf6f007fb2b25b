import type { EngineDeps } from '../engine/engine-deps.ts';
import type { ExecutionHead } from '../engine/ports.ts';

/**
 * What `statefold start` says while it runs: one line when an execution starts and one when it ends (its
 * name, its state machine, its status and how long it ran), as the event log records them. Map Run children
 * are left out (a Distributed Map would print thousands). An EXPRESS run is written once, closed, when its
 * machine keeps a history: it prints its end only.
 */
export function logExecutions(deps: EngineDeps, write: (line: string) => void): void {
  const log = deps.log;
  const createHead = log.createHead.bind(log);
  log.createHead = async (head) => {
    const created = await createHead(head);
    if (created && head.mapRunArn === undefined) {
      write(head.status === 'RUNNING' ? formatStarted(head) : formatEnded(head));
    }
    return created;
  };
  const recordListing = log.recordListing.bind(log);
  log.recordListing = async (head, asOf) => {
    await recordListing(head, asOf);
    if (head.mapRunArn !== undefined) return;
    if (head.status !== 'RUNNING') write(formatEnded(head));
    else if (head.redriveCount !== undefined) write(formatRedriven(head));
  };
}

function formatRedriven(head: ExecutionHead): string {
  const at = new Date(head.redriveDate ?? Date.now()).toISOString();
  return `${at}  redriven   ${machineOf(head)}  ${head.name}  (redrive ${head.redriveCount ?? 1})`;
}

function machineOf(head: ExecutionHead): string {
  return head.stateMachineArn.split(':').at(-1) ?? head.stateMachineArn;
}

function formatStarted(head: ExecutionHead): string {
  return `${new Date(head.startDate).toISOString()}  started    ${machineOf(head)}  ${head.name}`;
}

function formatEnded(head: ExecutionHead): string {
  const stop = head.stopDate ?? Date.now();
  const seconds = ((stop - head.startDate) / 1000).toFixed(3);
  return `${new Date(stop).toISOString()}  ${head.status.padEnd(9)}  ${machineOf(head)}  ${head.name}  ${seconds} s`;
}
