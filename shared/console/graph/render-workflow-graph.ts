import type { StatesBlock } from '../../language/types.ts';
import { type ElkLike, layoutWorkflow, type WorkflowLayout } from './layout-workflow.ts';
import { renderWorkflowSvg } from './render-svg.ts';
import { foldStateOutcomes, type HistoryEventLike, type StateOutcome } from './state-outcomes.ts';
import { buildWorkflowGraph } from './workflow-graph.ts';

/**
 * The graph component in one call: a definition (and, optionally, an execution's history) in, an SVG out.
 * `statefold graph` and the console both use it; each brings its own ELK instance.
 */
export interface WorkflowGraphOptions {
  elk: ElkLike;
  /** GetExecutionHistory's events; with them each state is coloured by its outcome. */
  history?: readonly HistoryEventLike[];
  title?: string;
}

export interface RenderedWorkflowGraph {
  svg: string;
  layout: WorkflowLayout;
  outcomes?: Map<string, StateOutcome>;
}

export async function renderWorkflowGraph(
  definition: StatesBlock,
  options: WorkflowGraphOptions,
): Promise<RenderedWorkflowGraph> {
  const layout = await layoutWorkflow(buildWorkflowGraph(definition), options.elk);
  const outcomes = options.history ? foldStateOutcomes(options.history) : undefined;
  const svg = renderWorkflowSvg(layout, {
    ...(outcomes ? { outcomes } : {}),
    ...(options.title !== undefined ? { title: options.title } : {}),
  });
  return { svg, layout, ...(outcomes ? { outcomes } : {}) };
}
