import type { GraphEdge, GraphEdgeKind, GraphNode, GraphNodeKind } from './workflow-graph.ts';

/**
 * Lays a workflow graph out with ELK's layered algorithm (top to bottom; nested boxes laid out inside their
 * parent) and gives every box and edge absolute coordinates. The ELK instance is passed in: Node constructs it
 * from the `elkjs` package, the browser from the bundle the console serves, and this module stays the same.
 */
export interface ElkLike {
  layout(graph: ElkNode): Promise<ElkNode>;
}

interface ElkLabel {
  text: string;
  width: number;
  height: number;
  x?: number;
  y?: number;
}

interface ElkPoint {
  x: number;
  y: number;
}

interface ElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  labels?: ElkLabel[];
  sections?: Array<{ startPoint: ElkPoint; endPoint: ElkPoint; bendPoints?: ElkPoint[] }>;
}

export interface ElkNode {
  id: string;
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  labels?: ElkLabel[];
  layoutOptions?: Record<string, string>;
  children?: ElkNode[];
  edges?: ElkEdge[];
}

export interface LaidOutBox {
  id: string;
  kind: GraphNodeKind;
  label: string;
  stateName?: string;
  stateType?: string;
  /** Whether the box holds others (a Parallel, a branch, a Map). */
  compound: boolean;
  depth: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  id: string;
  kind: GraphEdgeKind;
  source: string;
  target: string;
  points: ElkPoint[];
  label?: { text: string; x: number; y: number; width: number; height: number };
}

export interface WorkflowLayout {
  width: number;
  height: number;
  /** Outer boxes first, so drawing them in order puts nested boxes on top. */
  boxes: LaidOutBox[];
  edges: LaidOutEdge[];
}

const FONT_WIDTH = 7.2;
const LABEL_FONT_WIDTH = 6.2;
export const MAX_LABEL_CHARS = 36;
export const MAX_EDGE_LABEL_CHARS = 32;

/** Text cut to `max` characters with an ellipsis; the SVG keeps the whole text in a tooltip. */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function sizeOf(node: GraphNode): { width: number; height: number } {
  if (node.kind === 'start' || node.kind === 'end') return { width: 64, height: 28 };
  const chars = Math.max(shorten(node.label, MAX_LABEL_CHARS).length, (node.stateType ?? '').length);
  return { width: Math.max(120, Math.round(chars * FONT_WIDTH + 28)), height: 44 };
}

const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeNode': '16',
  'elk.spacing.edgeEdge': '12',
  'elk.spacing.edgeLabel': '4',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'false',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
};

/** Compound boxes keep a band at the top for their title. */
const COMPOUND_OPTIONS: Record<string, string> = {
  ...ROOT_OPTIONS,
  'elk.padding': '[top=34,left=14,bottom=14,right=14]',
  // Branches have no edges between them: laid out as one layer they stand side by side, as AWS draws them.
  'elk.separateConnectedComponents': 'false',
};

function toElk(node: GraphNode, root: boolean): ElkNode {
  const compound = node.children.length > 0;
  const elk: ElkNode = { id: node.id };
  if (compound) {
    elk.layoutOptions = root ? ROOT_OPTIONS : COMPOUND_OPTIONS;
    elk.children = node.children.map((child) => toElk(child, false));
    elk.edges = node.edges.map(toElkEdge);
    // The title is drawn in the top padding; a minimum width keeps it inside the box.
    if (!root) {
      elk.layoutOptions = {
        ...elk.layoutOptions,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${Math.round(compoundTitle(node).length * FONT_WIDTH + 28)}, 40)`,
      };
    }
  } else {
    Object.assign(elk, sizeOf(node));
  }
  return elk;
}

export function compoundTitle(node: { label: string; stateType?: string; kind: GraphNodeKind }): string {
  const label = shorten(node.label, MAX_LABEL_CHARS);
  return node.kind === 'branch' ? label : `${label}  ·  ${node.stateType ?? ''}`;
}

function toElkEdge(edge: GraphEdge): ElkEdge {
  const elk: ElkEdge = { id: edge.id, sources: [edge.source], targets: [edge.target] };
  if (edge.label !== undefined && edge.label !== '') {
    const text = shorten(edge.label, MAX_EDGE_LABEL_CHARS);
    elk.labels = [{ text, width: Math.round(text.length * LABEL_FONT_WIDTH + 8), height: 16 }];
  }
  return elk;
}

export async function layoutWorkflow(root: GraphNode, elk: ElkLike): Promise<WorkflowLayout> {
  const laidOut = await elk.layout(toElk(root, true));
  const boxes: LaidOutBox[] = [];
  const edges: LaidOutEdge[] = [];
  const byId = new Map<string, GraphNode>();
  const index = (node: GraphNode) => {
    byId.set(node.id, node);
    for (const child of node.children) index(child);
  };
  index(root);

  // ELK gives a child's position relative to its parent, and an edge's points relative to the node that
  // holds it (here always the parent of both its ends).
  const visit = (elkNode: ElkNode, offsetX: number, offsetY: number, depth: number) => {
    const graphNode = byId.get(elkNode.id);
    for (const edge of elkNode.edges ?? []) {
      const source = graphNode?.edges.find((e) => e.id === edge.id);
      if (!source) continue;
      const section = edge.sections?.[0];
      const points = section
        ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({
            x: p.x + offsetX,
            y: p.y + offsetY,
          }))
        : [];
      const label = edge.labels?.[0];
      edges.push({
        id: source.id,
        kind: source.kind,
        source: source.source,
        target: source.target,
        points,
        ...(label
          ? {
              label: {
                text: source.label ?? label.text,
                x: (label.x ?? 0) + offsetX,
                y: (label.y ?? 0) + offsetY,
                width: label.width,
                height: label.height,
              },
            }
          : {}),
      });
    }
    for (const child of elkNode.children ?? []) {
      const node = byId.get(child.id);
      if (!node) continue;
      const x = (child.x ?? 0) + offsetX;
      const y = (child.y ?? 0) + offsetY;
      boxes.push({
        id: node.id,
        kind: node.kind,
        label: node.label,
        ...(node.stateName !== undefined ? { stateName: node.stateName } : {}),
        ...(node.stateType !== undefined ? { stateType: node.stateType } : {}),
        compound: node.children.length > 0,
        depth,
        x,
        y,
        width: child.width ?? 0,
        height: child.height ?? 0,
      });
      visit(child, x, y, depth + 1);
    }
  };
  visit(laidOut, 0, 0, 0);
  return { width: laidOut.width ?? 0, height: laidOut.height ?? 0, boxes, edges };
}
