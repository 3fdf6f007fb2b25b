/**
 * Statefold's library entry point: run Amazon States Language workflows in this process, validate definitions,
 * and the pure core (decide, applyEvent, replay) the durable engine is built on.
 */
export { formatInvalidDefinition, parseDefinition } from './asl/parse-definition.ts';
export { type ValidationResult, validateDefinition } from './asl/validate-definition.ts';
export { type ExecutionResult, type RunExecutionOptions, runExecution } from './composition/run-execution.ts';
export { EngineError, type EngineErrorCode } from './engine/engine-error.ts';
export { decide } from './execution/decide.ts';
export type { Command, StepEnv, StepResult, TransitionMessage } from './execution/messages.ts';
export { applyEvent, replay } from './history/apply-event.ts';
export type { ExecutionEvent } from './history/events.ts';
export { createExecutionState, type ExecutionState } from './history/execution-state.ts';
export { type HistoryEvent, toHistoryEvents } from './history/to-history-event.ts';
export type { LambdaContext, LambdaHandler } from './integrations/local-functions.ts';
export { StatesError, StatesErrors } from './language/states-error.ts';
export type { Diagnostic, StateDefinition, StateMachineDefinition } from './language/types.ts';
// The shape of a project's statefold.config.ts (`satisfies StatefoldConfig`); a type only, no local-mode code.
export type { StatefoldConfig } from './local/local-config.ts';
export {
  type CaseExpectation,
  type MockConfig,
  parseMockConfig,
} from './testing/mock-config.ts';
export {
  type CaseReport,
  runWorkflowTests,
  type TestWorkflowOptions,
  testWorkflow,
  type WorkflowTestResult,
} from './testing/test-workflow.ts';
