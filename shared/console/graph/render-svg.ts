import {
  compoundTitle,
  type LaidOutBox,
  type LaidOutEdge,
  MAX_EDGE_LABEL_CHARS,
  MAX_LABEL_CHARS,
  shorten,
  type WorkflowLayout,
} from './layout-workflow.ts';
import { type StateOutcome, statusOf } from './state-outcomes.ts';

/**
 * A laid-out workflow as one SVG document with its own styles, so the file `statefold graph` writes looks
 * the same in a browser, an image viewer or a README as in the console. Every state box carries
 * `data-state` (its name) and an `outcome-…` class, so the console can recolour a live execution without
 * laying the graph out again.
 */
export interface RenderOptions {
  /** Outcomes by state name (from foldStateOutcomes); without them the graph is the definition's alone. */
  outcomes?: ReadonlyMap<string, StateOutcome>;
  title?: string;
}

export const GRAPH_STYLE = `
.sf-graph { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; }
.sf-graph .state rect { fill: #ffffff; stroke: #8d99a6; stroke-width: 1.2; }
.sf-graph .state text.name { font-size: 12.5px; fill: #16191f; font-weight: 600; }
.sf-graph .state text.type { font-size: 10.5px; fill: #5f6b7a; }
.sf-graph .compound > rect { fill: #f7f8fa; stroke: #aab4be; stroke-dasharray: none; }
.sf-graph .branch > rect { fill: #ffffff; stroke: #c6ccd3; stroke-dasharray: 4 3; }
.sf-graph .compound > text.title, .sf-graph .branch > text.title { font-size: 11.5px; fill: #414d5c; font-weight: 600; }
.sf-graph .terminal rect { fill: #16191f; stroke: none; }
.sf-graph .terminal text { fill: #ffffff; font-size: 11px; font-weight: 600; }
.sf-graph .type-Succeed > rect { stroke: #1d8102; stroke-width: 2; }
.sf-graph .type-Fail > rect { stroke: #d13212; stroke-width: 2; }
.sf-graph .type-Choice > rect { rx: 18px; }
.sf-graph .outcome-succeeded > rect { fill: #e9f6e6; stroke: #1d8102; stroke-width: 2; }
.sf-graph .outcome-failed > rect { fill: #fde8e4; stroke: #d13212; stroke-width: 2.4; }
.sf-graph .outcome-caught > rect { fill: #fff4e0; stroke: #e07b00; stroke-width: 2.4; }
.sf-graph .outcome-running > rect { fill: #e6f0fb; stroke: #0972d3; stroke-width: 2.4; }
.sf-graph .outcome-not-reached > rect { fill: #f2f3f3; stroke: #c6ccd3; }
.sf-graph .outcome-not-reached text { fill: #8d99a6; }
.sf-graph .edge path { fill: none; stroke: #5f6b7a; stroke-width: 1.3; }
.sf-graph .edge-catch path { stroke: #d13212; stroke-dasharray: 5 4; }
.sf-graph .edge-default path { stroke-dasharray: 2 3; }
.sf-graph .edge-label rect { fill: #ffffff; stroke: #d5dbdb; }
.sf-graph .edge-label text { font-size: 10.5px; fill: #414d5c; }
.sf-graph .edge-catch .edge-label text { fill: #d13212; }
.sf-graph .state.selected > rect { stroke-width: 3.5; filter: drop-shadow(0 0 4px rgba(22, 25, 31, 0.55)); }
`;

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&#39;',
  );
}

const round = (n: number) => Math.round(n * 10) / 10;

export function renderWorkflowSvg(layout: WorkflowLayout, options: RenderOptions = {}): string {
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="sf-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(options.title ?? 'Workflow graph')}</title>`,
    `<style>${GRAPH_STYLE}</style>`,
    '<defs>',
    '<marker id="sf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5f6b7a"/></marker>',
    '<marker id="sf-arrow-catch" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#d13212"/></marker>',
    '</defs>',
  ];
  // Compound boxes first (outer before inner), then edges, then the plain boxes on top.
  const compounds = layout.boxes.filter((box) => box.compound).sort((a, b) => a.depth - b.depth);
  for (const box of compounds) parts.push(renderBox(box, options));
  for (const edge of layout.edges) parts.push(renderEdge(edge));
  for (const box of layout.boxes) if (!box.compound) parts.push(renderBox(box, options));
  parts.push('</svg>');
  return parts.join('\n');
}

function renderBox(box: LaidOutBox, options: RenderOptions): string {
  const { x, y, width, height } = box;
  const status = statusOf(options.outcomes, box.stateName);
  if (box.kind === 'start' || box.kind === 'end') {
    return `<g class="terminal" data-id="${escapeXml(box.id)}"><rect x="${round(x)}" y="${round(y)}" width="${width}" height="${height}" rx="${height / 2}"/><text x="${round(x + width / 2)}" y="${round(y + height / 2 + 4)}" text-anchor="middle">${escapeXml(box.label)}</text></g>`;
  }
  const classes = [
    box.kind === 'branch' ? 'branch' : 'state',
    box.compound && box.kind !== 'branch' ? 'compound' : '',
    box.stateType ? `type-${box.stateType}` : '',
    status ? `outcome-${status}` : '',
  ].filter((c) => c !== '');
  const data =
    box.stateName !== undefined
      ? ` data-state="${escapeXml(box.stateName)}" data-id="${escapeXml(box.id)}"`
      : ` data-id="${escapeXml(box.id)}"`;
  const tooltip = `<title>${escapeXml(box.stateName ?? box.label)}${box.stateType ? ` (${box.stateType})` : ''}${status ? `: ${status}` : ''}</title>`;
  const rect = `<rect x="${round(x)}" y="${round(y)}" width="${round(width)}" height="${round(height)}" rx="6"/>`;
  if (box.compound) {
    const title = `<text class="title" x="${round(x + 10)}" y="${round(y + 20)}">${escapeXml(compoundTitle(box))}</text>`;
    return `<g class="${classes.join(' ')}"${data}>${tooltip}${rect}${title}</g>`;
  }
  const name = `<text class="name" x="${round(x + width / 2)}" y="${round(y + 19)}" text-anchor="middle">${escapeXml(shorten(box.label, MAX_LABEL_CHARS))}</text>`;
  const type = `<text class="type" x="${round(x + width / 2)}" y="${round(y + 34)}" text-anchor="middle">${escapeXml(box.stateType ?? '')}</text>`;
  return `<g class="${classes.join(' ')}"${data}>${tooltip}${rect}${name}${type}</g>`;
}

function renderEdge(edge: LaidOutEdge): string {
  if (edge.points.length === 0) return '';
  const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${round(p.x)} ${round(p.y)}`).join(' ');
  const marker = edge.kind === 'catch' ? 'sf-arrow-catch' : 'sf-arrow';
  const parts = [
    `<g class="edge edge-${edge.kind}" data-source="${escapeXml(edge.source)}" data-target="${escapeXml(edge.target)}">`,
    `<path d="${d}" marker-end="url(#${marker})"/>`,
  ];
  if (edge.label) {
    const { x, y, width, height, text } = edge.label;
    const shown = shorten(text, MAX_EDGE_LABEL_CHARS);
    parts.push(
      `<g class="edge-label"><title>${escapeXml(text)}</title><rect x="${round(x)}" y="${round(y)}" width="${round(width)}" height="${round(height)}" rx="3"/><text x="${round(x + width / 2)}" y="${round(y + height / 2 + 3.5)}" text-anchor="middle">${escapeXml(shown)}</text></g>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}
