import { selectPath } from '../dataflow/state-io.ts';
import { applyEvent, applyStateEntered, applyStateExited } from '../history/apply-event.ts';
import {
  type EventOfType,
  type ExecutionEvent,
  HIDDEN_EVENT_TYPES,
  type NewEvent,
  type StateEnteredType,
  type StateExitedType,
} from '../history/events.ts';
import { type ExecutionState, type ScopeState, visibleVariables } from '../history/execution-state.ts';
import type { IntrinsicEnv } from '../intrinsics/index.ts';
import type { PathSources } from '../jsonpath/paths.ts';
import { StatesError } from '../language/states-error.ts';
import type { StateDefinition } from '../language/types.ts';
import { exceedsJsonBytes, type Json } from '../lib/json.ts';
import { type CompiledMachine, getStateInfo, type StateInfo } from './compile-machine.ts';
import { buildContextObject, type ContextExtras } from './context-object.ts';
import type { Command, StepEnv, TimerPurpose, TransitionMessage } from './messages.ts';
import { encodeTaskToken } from './task-token.ts';

/**
 * One step being decided. Each event is built, numbered and at once applied to the state (build, then
 * apply), so what the step reads is always what a replay of the log up to that point would give.
 */
export class Step {
  readonly machine: CompiledMachine;
  readonly state: ExecutionState;
  readonly env: StepEnv;
  events: ExecutionEvent[] = [];
  messages: TransitionMessage[] = [];
  commands: Command[] = [];

  readonly #keepsLog: boolean;

  /**
   * With `log`, events are appended to the caller's log of the whole execution (an in-memory runner's),
   * and `clear` leaves it alone; without, `events` holds one step's events.
   */
  constructor(machine: CompiledMachine, state: ExecutionState, env: StepEnv, log?: ExecutionEvent[]) {
    this.machine = machine;
    this.state = state;
    this.env = env;
    this.#keepsLog = log !== undefined;
    if (log) this.events = log;
  }

  /** Empties the messages and commands (and a step's own events) once the caller has taken them. */
  clear(): void {
    if (!this.#keepsLog) this.events = [];
    // New lists only where there was something (a step's commands are most often none).
    if (this.messages.length > 0) this.messages = [];
    if (this.commands.length > 0) this.commands = [];
  }

  get now(): number {
    return this.env.now;
  }

  /**
   * Numbers the event (which the step owns from here on), applies it and records it. Hot callers put
   * `id: 0, timestamp: 0` in their literal so that numbering does not change the object's shape.
   */
  emit<E extends NewEvent>(
    event: E & { id?: number; timestamp?: number },
  ): E & { id: number; timestamp: number } {
    const full = event as E & { id: number; timestamp: number };
    full.id = HIDDEN_EVENT_TYPES.has(event.type) ? this.state.lastEventId : this.state.lastEventId + 1;
    full.timestamp = this.env.now;
    applyEvent(this.state, full as unknown as ExecutionEvent);
    this.events.push(full as unknown as ExecutionEvent);
    return full;
  }

  /**
   * `emit` for a state's Entered event, most of any history with its Exited event (`emitExited`): each has
   * a call site and an applier of its own, so the stores and loads on these events' two shapes stay
   * monomorphic where `emit`'s see every event type. The caller's literal has `id: 0, timestamp: 0`.
   */
  emitEntered(event: EventOfType<StateEnteredType>): number {
    event.id = this.state.lastEventId + 1;
    event.timestamp = this.env.now;
    applyStateEntered(this.state, event);
    this.events.push(event);
    return event.id;
  }

  emitExited(event: EventOfType<StateExitedType>): number {
    event.id = this.state.lastEventId + 1;
    event.timestamp = this.env.now;
    applyStateExited(this.state, event);
    this.events.push(event);
    return event.id;
  }

  send(message: TransitionMessage): void {
    this.messages.push(message);
  }

  advance(scope: ScopeState, ref: number): void {
    this.send({ type: 'advance', scope: scope.id, ref });
  }

  startTimer(scope: ScopeState, ref: number, purpose: TimerPurpose, dueAt: number): void {
    this.commands.push({ type: 'startTimer', scope: scope.id, ref, purpose, dueAt });
  }

  /** The last state output found within the payload quota (see `exceedsPayloadQuota`). */
  #withinQuota: Json | undefined;

  /**
   * Whether a state's output is over AWS's payload quota. A value is never changed once it is a state's input
   * or output (each update copies), so the output found within the quota last is not measured again: a Pass
   * that hands its input on (a chain of them) measures it once.
   */
  exceedsPayloadQuota(output: Json): boolean {
    if (output === this.#withinQuota) return false;
    if (exceedsJsonBytes(output)) return true;
    this.#withinQuota = output;
    return false;
  }

  stateOf(scope: ScopeState): StateDefinition {
    return this.infoOf(scope).definition;
  }

  #lastName: string | undefined;
  #lastInfo: StateInfo | undefined;

  /** The compiled facts of the scope's current state (the last one looked up is kept: a step asks often). */
  infoOf(scope: ScopeState): StateInfo {
    const name = scope.stateName;
    if (name !== this.#lastName) {
      // Most often the state the last one looked up moves on to (a chain's next state).
      const last = this.#lastInfo;
      this.#lastInfo =
        last !== undefined && last.next === name && last.nextInfo !== undefined
          ? last.nextInfo
          : getStateInfo(this.machine, name);
      this.#lastName = name;
    }
    return this.#lastInfo as StateInfo;
  }

  /** InputPath/OutputPath: an absent path selects everything, with no work at all. */
  select(scope: ScopeState, path: string | null | undefined, input: Json): Json {
    return path === undefined ? input : selectPath(path, this.sources(scope, input));
  }

  /** What paths in the current state read: `input`, a lazily built `$$`, and the variables in scope. */
  sources(scope: ScopeState, input: Json, extras?: ContextExtras): PathSources {
    return new StateSources(input, this.state, scope, this.contextExtras(scope, extras));
  }

  /**
   * What the current state's `$$` holds beyond the execution and the state: RetryCount where the state can
   * retry (AWS shows it only there), the task token of a `.waitForTaskToken` Task.
   */
  contextExtras(scope: ScopeState, extras?: ContextExtras): ContextExtras | undefined {
    const info = this.infoOf(scope);
    const override = this.env.context;
    if (!info.retries && override === undefined) return extras;
    const out: ContextExtras = { ...extras };
    if (info.retries) {
      out.retryCount = scope.retryCount;
      if (info.waitForTaskToken) out.taskToken = this.taskToken(scope);
    }
    if (override !== undefined) out.override = override;
    return out;
  }

  #token: { scope: string; ref: number; token: string } | undefined;

  /**
   * The token of the task the scope's Task state is about to schedule: bound to the execution, the scope and
   * the event that schedules this attempt (by default the TaskScheduled written next), with a random nonce
   * (recorded in that event).
   */
  taskToken(scope: ScopeState, ref = this.state.lastEventId + 1): string {
    if (this.#token?.scope !== scope.id || this.#token.ref !== ref) {
      const executionArn = this.state.execution?.executionArn ?? '';
      this.#token = {
        scope: scope.id,
        ref,
        token: encodeTaskToken({ executionArn, scope: scope.id, ref, nonce: this.env.uuid() }),
      };
    }
    return this.#token.token;
  }

  intrinsicEnv(): IntrinsicEnv {
    return this.env;
  }

  /** AWS's wording for an error raised while a state runs. */
  runtimeCause(scope: ScopeState, detail: string): string {
    return `An error occurred while executing the state '${scope.stateName}' (entered at the event id #${scope.enteredEventId}). ${detail}`;
  }

  /** Wraps a StatesError's cause in AWS's "An error occurred while executing the state…" prefix. */
  stateError(scope: ScopeState, error: StatesError): StatesError {
    return new StatesError(error.error, this.runtimeCause(scope, error.errorCause));
  }
}

/** Runs `work`; a StatesError it throws comes back as a value, anything else is a bug and is rethrown. */
export function attempt<T>(work: () => T): { ok: true; value: T } | { ok: false; error: StatesError } {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    if (error instanceof StatesError) return { ok: false, error };
    throw error;
  }
}

/** PathSources whose context object is built only when a `$$` path reads it. */
class StateSources implements PathSources {
  readonly input: Json;
  readonly #state: ExecutionState;
  readonly #scope: ScopeState;
  readonly #extras: ContextExtras | undefined;
  #context: Json | undefined;
  #variables: Record<string, Json> | undefined;

  constructor(input: Json, state: ExecutionState, scope: ScopeState, extras: ContextExtras | undefined) {
    this.input = input;
    this.#state = state;
    this.#scope = scope;
    this.#extras = extras;
  }

  get context(): Json {
    this.#context ??= buildContextObject(this.#state, this.#scope, this.#extras);
    return this.#context;
  }

  get variables(): Readonly<Record<string, Json>> {
    this.#variables ??= visibleVariables(this.#state, this.#scope);
    return this.#variables;
  }
}
