import type { TransitionMessage } from '../execution/messages.ts';
import { decodeTaskToken } from '../execution/task-token.ts';
import type { ExecutionState } from '../history/execution-state.ts';
import { checkErrorAndCause } from './executions.ts';
import type { TaskOutcome } from './ports.ts';
import {
  parseOutput,
  type SdkCallback,
  sdkCallbackFailure,
  sdkCallbackOutcome,
  waitingScope,
} from './task-callbacks.ts';

/**
 * Task tokens in the in-memory runner. A callback task (`.waitForTaskToken`) waits here as on the durable
 * engine, and what answers it is a Task of the same run (the run, its nested children, their Distributed Map
 * children) calling `arn:aws:states:::aws-sdk:sfn:sendTaskSuccess`, `sendTaskFailure` or `sendTaskHeartbeat`
 * with the token: AWS's pattern of a child execution answering its parent. The checks and answers are
 * SendTaskSuccess's (task-callbacks.ts). When every run of the tree is waiting and nothing is left that could
 * answer (no task, no timer), the callback tasks still waiting fail with States.Runtime, saying why.
 */

/** What the registry needs of a run. */
export interface CallbackRun {
  readonly state: ExecutionState;
  /** A message from outside the run (an answer to one of its tokens), sent at `at` on the sender's clock. */
  deliver(message: TransitionMessage, at?: number): void;
  /** Fails its callback tasks still waiting: nothing is left in the tree that could answer them. */
  abandonCallbacks(): void;
}

export class InMemoryCallbacks {
  /** Runs made and not yet closed (a child may be made before its first step). */
  #live = 0;
  readonly #runs = new Map<string, CallbackRun>();
  readonly #blocked = new Set<CallbackRun>();
  /** The runs that have closed: a token of theirs waits no more (TaskTimedOut, as SendTaskSuccess answers). */
  readonly #closed = new Set<string>();
  /** Callback tasks submitted so far: until one is, no run is looked at. */
  submitted = 0;

  opened(): void {
    this.#live++;
  }

  started(executionArn: string, run: CallbackRun): void {
    this.#runs.set(executionArn, run);
  }

  closed(executionArn: string, run: CallbackRun): void {
    this.#live--;
    if (this.#runs.get(executionArn) === run) this.#runs.delete(executionArn);
    this.#closed.add(executionArn);
    this.#blocked.delete(run);
    // Once what its close sends has arrived (a parent waiting on it looks again, at the child's stop time).
    if (this.submitted > 0) setImmediate(() => this.#check());
  }

  /** The run waits with nothing of its own that will move it (no task, no timer): only an answer or a child can. */
  block(run: CallbackRun): void {
    this.#blocked.add(run);
    this.#check();
  }

  unblock(run: CallbackRun): void {
    this.#blocked.delete(run);
  }

  /**
   * An `aws-sdk:sfn:sendTask…` Task's outcome, when the token is of a run here; undefined otherwise. `at`: the
   * answering run's time, at which the waiting run hears of it (on the virtual clock, a child's time is ahead).
   */
  answer(callback: SdkCallback, at: number): TaskOutcome | undefined {
    const fields = decodeTaskToken(callback.taskToken);
    if (!fields) return undefined;
    const run = this.#runs.get(fields.executionArn);
    if (!run && !this.#closed.has(fields.executionArn)) return undefined;
    try {
      const scope = waitingScope(run?.state, fields, callback.taskToken);
      // waitingScope threw unless a run here holds the waiting task.
      const waiting = run as CallbackRun;
      const target = { scope: fields.scope, ref: fields.ref };
      switch (callback.action) {
        case 'sendTaskSuccess':
          waiting.deliver({ type: 'taskSucceeded', ...target, output: parseOutput(callback.output) }, at);
          break;
        case 'sendTaskFailure':
          checkErrorAndCause(callback);
          waiting.deliver(
            {
              type: 'taskFailed',
              ...target,
              error: callback.error ?? '',
              cause: callback.cause ?? '',
            },
            at,
          );
          break;
        case 'sendTaskHeartbeat':
          // Without HeartbeatSeconds there is no clock to reset: nothing to record.
          if (scope.task?.heartbeatSeconds !== undefined)
            waiting.deliver({ type: 'taskHeartbeat', ...target }, at);
          break;
      }
      return sdkCallbackOutcome();
    } catch (error) {
      return sdkCallbackFailure(error);
    }
  }

  #check(): void {
    if (this.submitted === 0 || this.#live === 0 || this.#blocked.size < this.#live) return;
    for (const run of [...this.#blocked]) run.abandonCallbacks();
  }
}
