import { h } from './dom.js';

/** The graph component's modules, loaded with the first graph: a page's lists do not wait for them. */
let graphModules;
function loadGraphModules() {
  graphModules ??= Promise.all([
    import('../graph/layout-workflow.ts'),
    import('../graph/render-svg.ts'),
    import('../graph/state-outcomes.ts'),
    import('../graph/workflow-graph.ts'),
  ]).then(([layout, svg, outcomes, graph]) => ({
    layoutWorkflow: layout.layoutWorkflow,
    renderWorkflowSvg: svg.renderWorkflowSvg,
    statusOf: outcomes.statusOf,
    buildWorkflowGraph: graph.buildWorkflowGraph,
  }));
  return graphModules;
}

/**
 * ELK, loaded the first time a graph is drawn: its small API script in the page, and the layout itself (1.6 MB
 * of compiled Java) in a Web Worker, so the script's compiling and the layout never hold up the page's lists
 * and tables. One worker serves every graph the page draws.
 */
let elkLoading;
function loadElk() {
  elkLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'vendor/elk-api.js';
    const unloaded = () => new Error('The graph layout (ELK) could not be loaded');
    script.onload = () => {
      // A worker that fails to load answers no layout: `failed` says so instead of a graph that never comes.
      let fail;
      const failed = new Promise((_, rejectLayout) => {
        fail = rejectLayout;
      });
      failed.catch(() => {});
      const elk = new window.ELK({
        workerUrl: 'vendor/elk-worker.min.js',
        workerFactory: (url) => {
          const worker = new Worker(url);
          worker.addEventListener('error', () => fail(unloaded()));
          return worker;
        },
      });
      resolve({ layout: (graph) => Promise.race([elk.layout(graph), failed]) });
    };
    script.onerror = () => reject(unloaded());
    document.head.append(script);
  });
  return elkLoading;
}

const OUTCOME_CLASSES = ['succeeded', 'failed', 'caught', 'running', 'not-reached'].map(
  (s) => `outcome-${s}`,
);

/**
 * The graph component in a page: laid out once, then recoloured in place as an execution's outcomes change
 * (a live execution never re-lays out). Clicking a state calls onSelect with its name; zoom buttons scale it.
 */
export async function createGraphView(definition, { onSelect, outcomes } = {}) {
  const canvas = h('div', { class: 'graph-canvas' });
  let scale = 1;
  const zoom = (factor) => {
    scale = factor === 0 ? fitScale() : Math.min(2.5, Math.max(0.2, scale * factor));
    applyScale();
  };
  const toolbar = h(
    'div',
    { class: 'graph-toolbar' },
    h('button', { type: 'button', title: 'Zoom in', onclick: () => zoom(1.25) }, '+'),
    h('button', { type: 'button', title: 'Zoom out', onclick: () => zoom(0.8) }, '−'),
    h('button', { type: 'button', title: 'Fit to width', onclick: () => zoom(0) }, 'Fit'),
  );
  const legend = h(
    'div',
    { class: 'graph-legend' },
    ['succeeded', 'failed', 'caught', 'running', 'not-reached'].map((status) =>
      h('span', { class: `legend-item legend-${status}` }, status.replace('-', ' ')),
    ),
  );
  const element = h('div', { class: 'graph-view' }, toolbar, canvas);
  if (outcomes) element.append(legend);

  let parsed;
  try {
    parsed = typeof definition === 'string' ? JSON.parse(definition) : definition;
  } catch {
    canvas.textContent = 'The definition is not JSON.';
    return { element, colour() {}, select() {} };
  }
  const [{ layoutWorkflow, renderWorkflowSvg, statusOf, buildWorkflowGraph }, elk] = await Promise.all([
    loadGraphModules(),
    loadElk(),
  ]);
  const layout = await layoutWorkflow(buildWorkflowGraph(parsed), elk);
  canvas.innerHTML = renderWorkflowSvg(layout, outcomes ? { outcomes } : {});
  const svg = canvas.querySelector('svg');
  const fitScale = () => Math.max(0.2, Math.min(1, (canvas.clientWidth - 8) / Math.max(1, layout.width)));
  const applyScale = () => {
    svg.setAttribute('width', String(Math.round(layout.width * scale)));
    svg.setAttribute('height', String(Math.round(layout.height * scale)));
  };
  canvas.addEventListener('click', (event) => {
    const state = event.target.closest?.('[data-state]');
    if (state && onSelect) onSelect(state.dataset.state);
  });
  // Fit a wide graph to its panel once the page has put it in the document (it may be laid out before).
  const fitWhenShown = () => {
    if (!canvas.isConnected || canvas.clientWidth === 0) {
      requestAnimationFrame(fitWhenShown);
      return;
    }
    if (layout.width > canvas.clientWidth) zoom(0);
  };
  requestAnimationFrame(fitWhenShown);

  return {
    element,
    layout,
    colour(next) {
      for (const node of svg.querySelectorAll('[data-state]')) {
        node.classList.remove(...OUTCOME_CLASSES);
        node.classList.add(`outcome-${statusOf(next, node.dataset.state)}`);
        const title = node.querySelector('title');
        if (title) title.textContent = `${node.dataset.state}: ${statusOf(next, node.dataset.state)}`;
      }
    },
    select(name) {
      for (const node of svg.querySelectorAll('.selected')) node.classList.remove('selected');
      for (const node of svg.querySelectorAll('[data-state]')) {
        if (node.dataset.state === name) node.classList.add('selected');
      }
    },
  };
}
