import { readFile, writeFile } from 'node:fs/promises';
import elkjs from 'elkjs';
import type { StatesBlock } from '../../language/types.ts';
import type { ElkLike } from '../graph/layout-workflow.ts';
import { renderWorkflowGraph } from '../graph/render-workflow-graph.ts';
import type { HistoryEventLike } from '../graph/state-outcomes.ts';

/**
 * `statefold graph <definition.json> [-o graph.svg] [--history history.json]`: the definition's graph as an
 * SVG file (or on stdout). The history is GetExecutionHistory's answer (`aws stepfunctions
 * get-execution-history … > history.json`, or its `events` list alone); with it the states are coloured by
 * what happened to them.
 */
export interface GraphFileOptions {
  definitionFile: string;
  outputFile?: string;
  historyFile?: string;
}

export async function writeGraphFile(options: GraphFileOptions): Promise<string> {
  const definition = JSON.parse(await readFile(options.definitionFile, 'utf8')) as StatesBlock;
  if (typeof definition !== 'object' || definition === null || typeof definition.States !== 'object') {
    throw new Error(`${options.definitionFile} is not a state machine definition (no States)`);
  }
  const history = options.historyFile ? await readHistory(options.historyFile) : undefined;
  const { svg } = await renderWorkflowGraph(definition, {
    elk: createElk(),
    title: options.definitionFile,
    ...(history ? { history } : {}),
  });
  if (options.outputFile) await writeFile(options.outputFile, `${svg}\n`);
  return svg;
}

/** elkjs is a CommonJS module whose types declare an ES default export; its `default` is the same class. */
export function createElk(): ElkLike {
  return new elkjs.default() as unknown as ElkLike;
}

async function readHistory(file: string): Promise<HistoryEventLike[]> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
  if (Array.isArray(parsed)) return parsed as HistoryEventLike[];
  const events = (parsed as { events?: unknown }).events;
  if (!Array.isArray(events)) throw new Error(`${file} holds no history events (an events list)`);
  return events as HistoryEventLike[];
}
