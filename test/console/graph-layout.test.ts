import { describe, expect, it } from 'vitest';
import { type LaidOutBox, layoutWorkflow } from '../../shared/console/graph/layout-workflow.ts';
import { renderWorkflowSvg } from '../../shared/console/graph/render-svg.ts';
import {
  allEdges,
  buildWorkflowGraph,
  describeChoiceRule,
} from '../../shared/console/graph/workflow-graph.ts';
import { createElk } from '../../shared/console/server/graph-file.ts';
import type { StatesBlock } from '../../shared/language/types.ts';
import { allCases } from '../conformance/cases/index.ts';

/**
 * The graph component's layout over every conformance definition: each state is drawn once, each transition
 * is an edge, and no two boxes overlap unless one holds the other.
 */

type Json = Record<string, unknown>;

/** The states of a definition by path, read independently of the component: `Par/0/Inner`, `Map/processor/X`. */
function statePaths(block: StatesBlock, prefix = ''): string[] {
  return Object.entries(block.States ?? {}).flatMap(([name, state]) => {
    const id = prefix === '' ? name : `${prefix}/${name}`;
    const s = state as unknown as Json;
    const nested =
      s.Type === 'Parallel'
        ? ((s.Branches as StatesBlock[]) ?? []).flatMap((b, i) => statePaths(b, `${id}/${i}`))
        : s.Type === 'Map' && (s.ItemProcessor ?? s.Iterator)
          ? statePaths((s.ItemProcessor ?? s.Iterator) as StatesBlock, `${id}/processor`)
          : [];
    return [id, ...nested];
  });
}

/** Every transition as `from -> to`: Next, End (to the End terminal at the top), Choices, Default, Catch. */
function transitions(block: StatesBlock, prefix = ''): string[] {
  const at = (name: string) => (prefix === '' ? name : `${prefix}/${name}`);
  const found: string[] = prefix === '' ? [`__start__ -> ${block.StartAt}`] : [];
  for (const [name, state] of Object.entries(block.States ?? {})) {
    const s = state as unknown as Json;
    const targets = [
      s.Next,
      s.Default,
      ...((s.Choices as Json[]) ?? []).map((c) => c.Next),
      ...((s.Catch as Json[]) ?? []).map((c) => c.Next),
    ].filter((t): t is string => typeof t === 'string');
    for (const target of targets) found.push(`${at(name)} -> ${at(target)}`);
    if (prefix === '' && (s.End === true || s.Type === 'Succeed' || s.Type === 'Fail'))
      found.push(`${at(name)} -> __end__`);
    if (s.Type === 'Parallel')
      ((s.Branches as StatesBlock[]) ?? []).forEach((b, i) => {
        found.push(...transitions(b, `${at(name)}/${i}`));
      });
    const processor = (s.ItemProcessor ?? s.Iterator) as StatesBlock | undefined;
    if (s.Type === 'Map' && processor) found.push(...transitions(processor, `${at(name)}/processor`));
  }
  return found;
}

const contains = (outer: LaidOutBox, inner: LaidOutBox) =>
  inner.id.startsWith(`${outer.id}/`) &&
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width + 0.01 &&
  inner.y + inner.height <= outer.y + outer.height + 0.01;

const overlaps = (a: LaidOutBox, b: LaidOutBox) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function overlapping(boxes: LaidOutBox[]): string[] {
  const found: string[] = [];
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      if (overlaps(a, b) && !contains(a, b) && !contains(b, a)) found.push(`${a.id} / ${b.id}`);
    }
  }
  return found;
}

const definitions = new Map<string, StatesBlock>();
for (const [group, cases] of Object.entries(allCases)) {
  for (const c of cases) {
    const key = JSON.stringify(c.definition);
    if (!definitions.has(key)) definitions.set(key, c.definition as StatesBlock);
    void group;
  }
}
const table = [...definitions.values()].map((definition, i) => [i, definition] as const);

describe('the graph of every conformance definition', () => {
  const elk = createElk();
  it.each(table)(
    'definition %i: each state once, each transition an edge, no boxes overlapping',
    async (_, definition) => {
      const graph = buildWorkflowGraph(definition);
      const layout = await layoutWorkflow(graph, elk);
      const stateIds = layout.boxes.filter((b) => b.kind === 'state').map((b) => b.id);
      expect(stateIds.sort()).toEqual(statePaths(definition).sort());
      const edges = allEdges(graph).map((e) => `${e.source} -> ${e.target}`);
      expect(edges.sort()).toEqual(transitions(definition).sort());
      expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
      expect(overlapping(layout.boxes)).toEqual([]);
    },
  );

  it('covers Parallel, Map, Choice and Catch definitions', () => {
    const types = new Set(
      [...definitions.values()].flatMap((d) => Object.values(d.States).map((s) => s.Type)),
    );
    expect([...types].sort()).toEqual([
      'Choice',
      'Fail',
      'Map',
      'Parallel',
      'Pass',
      'Succeed',
      'Task',
      'Wait',
    ]);
  });
});

/** A definition of `n` states: Choice fans, Parallel branches, Map processors and Catch edges, repeated. */
function largeDefinition(n: number): StatesBlock {
  const states: Record<string, Json> = {};
  const name = (i: number) => `Step${String(i).padStart(3, '0')}`;
  for (let i = 0; i < n; i += 1) {
    const next = i + 1 < n ? { Next: name(i + 1) } : { End: true };
    if (i % 10 === 3) {
      states[name(i)] = {
        Type: 'Choice',
        Choices: [{ Variable: '$.n', NumericGreaterThan: i, Next: name(Math.min(n - 1, i + 2)) }],
        Default: name(i + 1),
      };
    } else if (i % 10 === 6) {
      states[name(i)] = {
        Type: 'Parallel',
        Branches: [0, 1, 2].map((b) => ({
          StartAt: `${name(i)}b${b}`,
          States: { [`${name(i)}b${b}`]: { Type: 'Pass', End: true } },
        })),
        Catch: [{ ErrorEquals: ['States.ALL'], Next: name(n - 1) }],
        ...next,
      };
    } else if (i % 10 === 8) {
      states[name(i)] = {
        Type: 'Map',
        ItemProcessor: { StartAt: `${name(i)}m`, States: { [`${name(i)}m`]: { Type: 'Pass', End: true } } },
        ...next,
      };
    } else {
      states[name(i)] = { Type: 'Pass', ...next };
    }
  }
  return { StartAt: name(0), States: states } as unknown as StatesBlock;
}

describe('a definition of 150 states', () => {
  it('lays out in a few seconds with every state drawn and no boxes overlapping', async () => {
    const definition = largeDefinition(150);
    const started = Date.now();
    const layout = await layoutWorkflow(buildWorkflowGraph(definition), createElk());
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(layout.boxes.filter((b) => b.kind === 'state')).toHaveLength(statePaths(definition).length);
    expect(overlapping(layout.boxes)).toEqual([]);
    // Readable: names are drawn at full size (the SVG scales nothing down), every box is at least 120 wide.
    expect(
      Math.min(...layout.boxes.filter((b) => b.kind === 'state').map((b) => b.width)),
    ).toBeGreaterThanOrEqual(120);
  });
});

describe('Choice rules as edge labels', () => {
  it.each([
    [{ Variable: '$.total', NumericGreaterThan: 500 }, '$.total > 500'],
    [{ Variable: '$.s', StringEquals: 'a' }, '$.s == "a"'],
    [{ Variable: '$.a', NumericLessThanEqualsPath: '$.b' }, '$.a <= $.b'],
    [{ Variable: '$.x', IsPresent: false }, '$.x not present'],
    [{ Variable: '$.x', IsNull: true }, '$.x is null'],
    [
      { And: [{ Variable: '$.a', BooleanEquals: true }, { Not: { Variable: '$.b', StringMatches: 'x*' } }] },
      '$.a == true and not $.b matches "x*"',
    ],
    [
      {
        Or: [
          {
            And: [
              { Variable: '$.a', NumericEquals: 1 },
              { Variable: '$.b', NumericEquals: 2 },
            ],
          },
          { Variable: '$.c', IsString: true },
        ],
      },
      '($.a == 1 and $.b == 2) or $.c is string',
    ],
    [{ Condition: '{% $states.input.n > 3 %}' }, '$states.input.n > 3'],
  ])('%j reads %s', (rule, text) => {
    expect(describeChoiceRule(rule)).toBe(text);
  });
});

describe('the SVG', () => {
  it('draws Catch edges dashed apart, Default and rule labels, Succeed and Fail terminals', async () => {
    const definition = {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', NumericGreaterThan: 1, Next: 'T' }], Default: 'F' },
        T: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:1:function:f',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }],
          Next: 'S',
        },
        S: { Type: 'Succeed' },
        F: { Type: 'Fail', Error: 'E' },
      },
    } as unknown as StatesBlock;
    const svg = renderWorkflowSvg(await layoutWorkflow(buildWorkflowGraph(definition), createElk()));
    expect(svg).toContain('class="edge edge-catch" data-source="T" data-target="F"');
    expect(svg).toContain('>catch States.ALL</text>');
    expect(svg).toContain('>Default</text>');
    expect(svg).toContain('>$.a &gt; 1</text>');
    expect(svg).toContain('class="state type-Succeed" data-state="S"');
    expect(svg).toContain('class="state type-Fail" data-state="F"');
    expect(svg.match(/class="terminal"/g)).toHaveLength(2);
  });
});
