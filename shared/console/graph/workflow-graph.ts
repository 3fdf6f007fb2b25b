import type { ChoiceRule, StateDefinition, StatesBlock, StateType } from '../../language/types.ts';

/**
 * A definition as a graph: one node per state, nested where ASL nests (a Parallel state holds one box per
 * branch, a Map state holds its processor's states), and one edge per transition. This module only reads the
 * definition; laying it out and drawing it are the next steps (layout-workflow.ts, render-svg.ts).
 *
 * It runs in Node (`statefold graph`) and in the browser (the console serves it with its types stripped), so
 * it imports types only.
 */
export type GraphNodeKind = 'start' | 'end' | 'state' | 'branch';

export interface GraphNode {
  /** Unique in the graph: the state's path (`Parallel/1/Inner`), so a name repeated in two branches is two nodes. */
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** The state's name as the history names it (kind 'state' only). */
  stateName?: string;
  stateType?: StateType;
  children: GraphNode[];
  edges: GraphEdge[];
}

export type GraphEdgeKind = 'start' | 'next' | 'choice' | 'default' | 'catch' | 'end';

export interface GraphEdge {
  id: string;
  kind: GraphEdgeKind;
  source: string;
  target: string;
  /** A Choice rule as text, or the errors a Catch takes. */
  label?: string;
}

/** A loosely typed definition: the graph draws what it can of a definition that may not be valid. */
type AnyState = Partial<StateDefinition> & Record<string, unknown>;

export const START_ID = '__start__';
export const END_ID = '__end__';

/** The root node of a definition's graph: Start, the top-level states, End. */
export function buildWorkflowGraph(definition: StatesBlock): GraphNode {
  const root: GraphNode = { id: 'root', kind: 'branch', label: '', children: [], edges: [] };
  root.children.push({ id: START_ID, kind: 'start', label: 'Start', children: [], edges: [] });
  fillBlock(root, definition, '', true);
  root.children.push({ id: END_ID, kind: 'end', label: 'End', children: [], edges: [] });
  const first = idOf('', definition.StartAt);
  if (hasState(definition, definition.StartAt)) {
    root.edges.unshift({ id: `${START_ID}->${first}`, kind: 'start', source: START_ID, target: first });
  }
  return root;
}

function idOf(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

function hasState(block: StatesBlock, name: string | undefined): name is string {
  return typeof name === 'string' && Object.hasOwn(block.States ?? {}, name);
}

/** A block's states become `parent`'s children, its transitions `parent`'s edges. */
function fillBlock(parent: GraphNode, block: StatesBlock, prefix: string, topLevel: boolean): void {
  const states = Object.entries(block.States ?? {}) as Array<[string, AnyState]>;
  for (const [name, state] of states) {
    const id = idOf(prefix, name);
    const node: GraphNode = {
      id,
      kind: 'state',
      label: name,
      stateName: name,
      ...(typeof state.Type === 'string' ? { stateType: state.Type as StateType } : {}),
      children: [],
      edges: [],
    };
    parent.children.push(node);
    fillNested(node, state, id);
    const edge = (kind: GraphEdgeKind, target: unknown, label?: string) => {
      if (!hasState(block, target as string)) return;
      const to = idOf(prefix, target as string);
      const n = parent.edges.filter((e) => e.source === id && e.target === to && e.kind === kind).length;
      parent.edges.push({
        id: `${id}->${to}:${kind}${n === 0 ? '' : n}`,
        kind,
        source: id,
        target: to,
        ...(label !== undefined ? { label } : {}),
      });
    };
    if (state.Type === 'Choice') {
      for (const rule of (state.Choices as ChoiceRule[] | undefined) ?? []) {
        edge('choice', rule.Next, describeChoiceRule(rule));
      }
      edge('default', state.Default, 'Default');
    } else {
      edge('next', state.Next);
    }
    for (const catcher of (state.Catch as Array<{ ErrorEquals?: string[]; Next?: string }> | undefined) ??
      []) {
      edge('catch', catcher.Next, `catch ${(catcher.ErrorEquals ?? []).join(', ')}`);
    }
    const terminal = state.End === true || state.Type === 'Succeed' || state.Type === 'Fail';
    if (topLevel && terminal) {
      parent.edges.push({ id: `${id}->${END_ID}`, kind: 'end', source: id, target: END_ID });
    }
  }
}

/** Parallel: one box per branch inside the state's box. Map: the processor's states inside it. */
function fillNested(node: GraphNode, state: AnyState, id: string): void {
  if (state.Type === 'Parallel') {
    const branches = (state.Branches as StatesBlock[] | undefined) ?? [];
    branches.forEach((branch, index) => {
      const branchId = `${id}/${index}`;
      const box: GraphNode = {
        id: branchId,
        kind: 'branch',
        label: `Branch ${index + 1}`,
        children: [],
        edges: [],
      };
      fillBlock(box, branch, branchId, false);
      node.children.push(box);
    });
  } else if (state.Type === 'Map') {
    const processor = (state.ItemProcessor ?? state.Iterator) as StatesBlock | undefined;
    if (processor) fillBlock(node, processor, `${id}/processor`, false);
  }
}

const OPERATORS: Record<string, string> = {
  StringEquals: '==',
  StringLessThan: '<',
  StringGreaterThan: '>',
  StringLessThanEquals: '<=',
  StringGreaterThanEquals: '>=',
  StringMatches: 'matches',
  NumericEquals: '==',
  NumericLessThan: '<',
  NumericGreaterThan: '>',
  NumericLessThanEquals: '<=',
  NumericGreaterThanEquals: '>=',
  BooleanEquals: '==',
  TimestampEquals: '==',
  TimestampLessThan: '<',
  TimestampGreaterThan: '>',
  TimestampLessThanEquals: '<=',
  TimestampGreaterThanEquals: '>=',
};

const TYPE_TESTS: Record<string, string> = {
  IsNull: 'is null',
  IsPresent: 'is present',
  IsNumeric: 'is numeric',
  IsString: 'is string',
  IsBoolean: 'is boolean',
  IsTimestamp: 'is timestamp',
};

/** A Choice rule as a short line of text: `$.total > 500`, `not ($.a is present)`, a JSONata Condition. */
export function describeChoiceRule(rule: ChoiceRule): string {
  if (typeof rule.Condition === 'string') return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, '');
  if (Array.isArray(rule.And)) return rule.And.map((r) => wrap(describeChoiceRule(r))).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map((r) => wrap(describeChoiceRule(r))).join(' or ');
  if (rule.Not && typeof rule.Not === 'object') return `not ${wrap(describeChoiceRule(rule.Not))}`;
  const variable = typeof rule.Variable === 'string' ? rule.Variable : '?';
  for (const [key, value] of Object.entries(rule)) {
    const base = key.endsWith('Path') && key !== 'Path' ? key.slice(0, -4) : key;
    const operator = OPERATORS[base];
    if (operator !== undefined) {
      const operand = key === base ? JSON.stringify(value) : String(value);
      return `${variable} ${operator} ${operand}`;
    }
    const test = TYPE_TESTS[key];
    if (test !== undefined)
      return value === false ? `${variable} not ${test.slice(3)}` : `${variable} ${test}`;
  }
  return variable;
}

function wrap(text: string): string {
  return /\s(and|or)\s/.test(text) ? `(${text})` : text;
}

/** Every node of the graph, depth first. */
export function allNodes(root: GraphNode): GraphNode[] {
  const nodes: GraphNode[] = [];
  const visit = (node: GraphNode) => {
    for (const child of node.children) {
      nodes.push(child);
      visit(child);
    }
  };
  visit(root);
  return nodes;
}

/** Every edge of the graph, with the node that holds it. */
export function allEdges(root: GraphNode): GraphEdge[] {
  return [root, ...allNodes(root)].flatMap((node) => node.edges);
}
