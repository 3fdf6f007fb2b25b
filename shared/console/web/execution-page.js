import { detailsOf, foldStateOutcomes, toMillis } from '../graph/state-outcomes.ts';
import { afterPaint, fill, h, milestone } from './dom.js';
import {
  causeBlock,
  causeSummary,
  errorBox,
  formatDate,
  formatDuration,
  jsonBlock,
  nameOfArn,
  statusBadge,
} from './format.js';
import { createGraphView } from './graph-view.js';
import { callApi, pagesOf } from './sfn-api.js';

/** How often a running execution is read again. */
const POLL_MS = 1000;
const PAGE_SIZES = [25, 100, 250, 1000];
const CLOSING = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

/**
 * One execution: its summary (and error, when it failed), the graph coloured by each state's outcome, the
 * selected state's input, output, error, retries and timings, and the event table, paged. While it runs the
 * page reads the new events every second and recolours in place.
 */
export async function renderExecutionPage(main, { arn, setCrumbs }) {
  let timer;
  let disposed = false;
  let execution;
  let definition;
  // The history's first page (a small one, so the table shows at once) is asked for with the two
  // descriptions, not after them; the rest come 1,000 events at a time.
  const history = pagesOf('GetExecutionHistory', { executionArn: arn, maxResults: 1000 }, 'events', 100);
  const firstPage = history.next();
  firstPage.catch(() => {});
  try {
    [execution, definition] = await Promise.all([
      callApi('DescribeExecution', { executionArn: arn }),
      callApi('DescribeStateMachineForExecution', { executionArn: arn }),
    ]);
  } catch (error) {
    setCrumbs([{ text: 'State machines', href: '#/' }, { text: nameOfArn(arn) }]);
    main.append(errorBox(error));
    return { dispose() {} };
  }
  setCrumbs([
    { text: 'State machines', href: '#/' },
    {
      text: nameOfArn(execution.stateMachineArn),
      href: `#/state-machines/${encodeURIComponent(execution.stateMachineArn)}`,
    },
    { text: execution.name },
  ]);

  const events = [];
  /** The state each event belongs to, by event id (the previousEventId chain back to a StateEntered). */
  const stepOf = new Map();
  let outcomes = new Map();
  let selected;
  let view;

  const summary = h('section', { class: 'panel summary', id: 'execution-summary' });
  const graphPanel = h('section', { class: 'panel graph-panel' }, h('h2', {}, 'Graph'));
  const statePanel = h('section', { class: 'panel state-panel', id: 'state-panel' });
  const table = createEventTable(events, stepOf);
  const io = h('section', { class: 'panel io-panel' });
  main.append(summary, h('div', { class: 'split' }, graphPanel, statePanel), io, table.element);

  const stop = async () => {
    if (!confirm(`Stop ${execution.name}?`)) return;
    try {
      await callApi('StopExecution', {
        executionArn: arn,
        error: 'Stopped',
        cause: 'Stopped from the Statefold console',
      });
      await poll();
    } catch (error) {
      summary.append(errorBox(error));
    }
  };

  // RedriveExecution: the execution runs again from the states that did not succeed; the page follows it.
  const redrive = async () => {
    if (!confirm(`Redrive ${execution.name}? The states that did not succeed run again.`)) return;
    try {
      await callApi('RedriveExecution', { executionArn: arn, clientToken: crypto.randomUUID() });
      execution = await callApi('DescribeExecution', { executionArn: arn });
      await poll();
      schedule();
    } catch (error) {
      summary.append(errorBox(error));
    }
  };

  const drawSummary = () => {
    const started = toMillis(execution.startDate);
    const stopped = toMillis(execution.stopDate);
    fill(
      summary,
      h(
        'h1',
        {},
        execution.name,
        ' ',
        h('span', { id: 'execution-status' }, statusBadge(execution.status)),
        execution.status === 'RUNNING'
          ? h('button', { type: 'button', class: 'danger', id: 'stop-execution', onclick: stop }, 'Stop')
          : null,
        execution.redriveStatus === 'REDRIVABLE'
          ? h('button', { type: 'button', id: 'redrive-execution', onclick: redrive }, 'Redrive')
          : null,
      ),
      h(
        'dl',
        { class: 'facts' },
        [h('dt', {}, 'ARN'), h('dd', {}, h('code', {}, execution.executionArn))],
        [h('dt', {}, 'Started'), h('dd', {}, formatDate(execution.startDate))],
        [h('dt', {}, 'Stopped'), h('dd', {}, formatDate(execution.stopDate))],
        [h('dt', {}, 'Duration'), h('dd', {}, formatDuration((stopped ?? Date.now()) - started))],
        [h('dt', {}, 'Events'), h('dd', { id: 'event-count' }, String(events.length))],
        execution.redriveCount > 0
          ? [
              h('dt', {}, 'Redrives'),
              h(
                'dd',
                { id: 'redrive-count' },
                `${execution.redriveCount}, last ${formatDate(execution.redriveDate)}`,
              ),
            ]
          : null,
      ),
      execution.error || execution.cause
        ? h(
            'div',
            { class: 'error-box', id: 'execution-error' },
            h('strong', {}, execution.error ?? 'Error'),
            execution.cause ? causeBlock(execution.cause) : null,
          )
        : null,
    );
    io.replaceChildren(
      h('div', { class: 'io' }, h('h2', {}, 'Execution input'), jsonBlock(execution.input)),
      h('div', { class: 'io' }, h('h2', {}, 'Execution output'), jsonBlock(execution.output)),
    );
  };

  const drawState = () => {
    if (selected === undefined) {
      statePanel.replaceChildren(
        h('h2', {}, 'State'),
        h('p', { class: 'muted' }, 'Click a state in the graph to see its input, output and error.'),
      );
      return;
    }
    const outcome = outcomes.get(selected);
    statePanel.replaceChildren(renderStateDetails(selected, outcome, events, stepOf));
  };

  /** Takes in new events; their outcomes are folded by the caller (once, after a whole history's pages). */
  const append = (fresh) => {
    for (const event of fresh) {
      if (events.length > 0 && event.id <= events[events.length - 1].id) continue;
      events.push(event);
      const details = detailsOf(event);
      const own =
        /State(Entered|Exited)$/.test(event.type) && typeof details?.name === 'string'
          ? details.name
          : undefined;
      const step = own ?? stepOf.get(event.previousEventId);
      if (step !== undefined) stepOf.set(event.id, step);
    }
  };
  const ingest = (fresh) => {
    append(fresh);
    outcomes = foldStateOutcomes(events);
  };

  const poll = async () => {
    const lastId = events.length > 0 ? events[events.length - 1].id : 0;
    const fresh = await eventsAfter(arn, lastId);
    ingest(fresh);
    if (fresh.some((event) => CLOSING.has(event.type)) || fresh.length === 0) {
      execution = await callApi('DescribeExecution', { executionArn: arn });
    }
    drawSummary();
    view?.colour(outcomes);
    table.refresh();
    drawState();
  };

  // The graph is laid out while the rest of the history loads (25 pages for 25,000 events), then coloured;
  // it starts once the table's first page is painted, which it would otherwise hold up on a small machine.
  let graph;
  const startGraph = () =>
    createGraphView(definition.definition, {
      outcomes,
      onSelect(name) {
        selected = name;
        view?.select(name);
        drawState();
      },
    });
  const loading = h('p', { class: 'muted', id: 'events-loading' }, 'Loading events…');
  table.element.prepend(loading);
  try {
    for (let step = await firstPage; !step.done; step = await history.next()) {
      if (disposed) {
        await history.return();
        break;
      }
      append(step.value);
      loading.textContent = `Loading events… ${events.length}`;
      // The table's first page shows as soon as its events are here.
      if (events.length === step.value.length) {
        table.refresh();
        milestone('events-first-page');
        graph = afterPaint().then(startGraph);
        graph.catch(() => {}); // awaited, and shown, below
      }
    }
  } catch (error) {
    table.element.prepend(errorBox(error));
  }
  outcomes = foldStateOutcomes(events);
  loading.remove();
  drawSummary();
  drawState();
  table.refresh();
  milestone('history-loaded');

  try {
    view = await (graph ?? startGraph());
    view.colour(outcomes);
    graphPanel.append(view.element);
    milestone('graph-drawn');
    // A failed execution opens on the state that failed it; a running one on the state that runs.
    const first =
      [...outcomes.values()].find((o) => o.status === 'failed') ??
      [...outcomes.values()].findLast((o) => o.status === 'running');
    if (first) {
      selected = first.name;
      view.select(first.name);
      drawState();
    }
  } catch (error) {
    graphPanel.append(errorBox(error));
  }

  const schedule = () => {
    if (disposed || execution.status !== 'RUNNING') return;
    timer = setTimeout(async () => {
      try {
        await poll();
      } catch {
        // A failed poll (the server restarting) is tried again at the next tick.
      }
      schedule();
    }, POLL_MS);
  };
  schedule();
  return {
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}

/**
 * The events after `lastId`. GetExecutionHistory has no token past its newest event, so a poll reads newest
 * first back to the last event it has: a poll costs what it brings.
 */
async function eventsAfter(executionArn, lastId) {
  const fresh = [];
  for await (const page of pagesOf(
    'GetExecutionHistory',
    { executionArn, reverseOrder: true, maxResults: 200 },
    'events',
  )) {
    for (const event of page) {
      if (event.id <= lastId) return fresh.reverse();
      fresh.push(event);
    }
  }
  return fresh.reverse();
}

function renderStateDetails(name, outcome, events, stepOf) {
  const title = h(
    'h2',
    {},
    name,
    ' ',
    outcome ? statusBadge(outcome.status.toUpperCase()) : statusBadge('NOT REACHED'),
  );
  if (!outcome)
    return h('div', {}, title, h('p', { class: 'muted' }, 'This execution has not entered this state.'));
  const duration =
    outcome.exitedAt !== undefined && outcome.enteredAt !== undefined
      ? formatDuration(outcome.exitedAt - outcome.enteredAt)
      : '–';
  const error = outcome.error
    ? h(
        'div',
        { class: `error-box ${outcome.status === 'caught' ? 'caught' : ''}`, id: 'state-error' },
        h('strong', {}, outcome.error.error ?? 'Error'),
        h(
          'span',
          { class: 'muted' },
          ` (${outcome.error.eventType}${outcome.status === 'caught' ? ', caught' : ''})`,
        ),
        outcome.error.cause ? causeBlock(outcome.error.cause) : null,
      )
    : null;
  const retries =
    outcome.retries > 0
      ? h(
          'div',
          { class: 'retries' },
          h('h3', {}, `Retries: ${outcome.retries}`),
          h(
            'ol',
            {},
            outcome.retriedErrors.map((e) =>
              h('li', {}, h('code', {}, e.error ?? '?'), e.cause ? ` ${causeSummary(e.cause)}` : ''),
            ),
          ),
        )
      : null;
  const iterations = outcome.iterations
    ? h(
        'div',
        { class: 'iterations' },
        h('h3', {}, `Iterations: ${outcome.iterations.length}`),
        h(
          'div',
          { class: 'chips' },
          outcome.iterations.map((status, index) =>
            h('span', { class: `chip chip-${status}`, title: status }, String(index)),
          ),
        ),
      )
    : null;
  const mapRun = events.find((e) => e.type === 'MapRunStarted' && stepOf.get(e.id) === name);
  const children = mapRun ? renderMapRunChildren(mapRun.mapRunStartedEventDetails?.mapRunArn) : null;
  return h(
    'div',
    {},
    title,
    h(
      'dl',
      { class: 'facts' },
      [h('dt', {}, 'Entered'), h('dd', {}, outcome.enteredAt ? formatDate(outcome.enteredAt / 1000) : '–')],
      [h('dt', {}, 'Exited'), h('dd', {}, outcome.exitedAt ? formatDate(outcome.exitedAt / 1000) : '–')],
      [h('dt', {}, 'Duration'), h('dd', {}, duration)],
      outcome.entered > 1 ? [h('dt', {}, 'Entered'), h('dd', {}, `${outcome.entered} times`)] : null,
    ),
    error,
    retries,
    iterations,
    children,
    h('h3', {}, 'Input'),
    jsonBlock(outcome.input, { id: 'state-input' }),
    h('h3', {}, 'Output'),
    jsonBlock(outcome.output, { id: 'state-output' }),
  );
}

function renderMapRunChildren(mapRunArn) {
  const list = h('ul', { class: 'children' }, h('li', { class: 'muted' }, 'Loading child executions…'));
  (async () => {
    const rows = [];
    for await (const page of pagesOf('ListExecutions', { mapRunArn, maxResults: 1000 }, 'executions'))
      rows.push(...page);
    list.replaceChildren(
      ...rows.map((e) =>
        h(
          'li',
          {},
          statusBadge(e.status),
          ' ',
          h('a', { href: `#/executions/${encodeURIComponent(e.executionArn)}` }, e.name),
        ),
      ),
    );
  })().catch((error) => list.replaceChildren(errorBox(error)));
  return h('div', {}, h('h3', {}, 'Child executions'), list);
}

/** The event table as AWS's console shows it: ID, type, step, resource, time since start, date; paged. */
function createEventTable(events, stepOf) {
  let page = 0;
  let pageSize = 100;
  let expanded = new Set();
  const body = h('tbody');
  const pageLabel = h('span', { id: 'event-page' });
  const go = (next) => {
    page = next;
    draw();
  };
  const pages = () => Math.max(1, Math.ceil(events.length / pageSize));
  const size = h(
    'select',
    {
      id: 'event-page-size',
      'aria-label': 'Events per page',
      onchange: (event) => {
        pageSize = Number(event.target.value);
        go(0);
      },
    },
    PAGE_SIZES.map((n) => h('option', { value: n, selected: n === pageSize }, `${n} per page`)),
  );
  const nav = h(
    'div',
    { class: 'pager' },
    h('button', { type: 'button', id: 'event-first', onclick: () => go(0) }, '«'),
    h('button', { type: 'button', id: 'event-previous', onclick: () => go(Math.max(0, page - 1)) }, '‹'),
    pageLabel,
    h(
      'button',
      { type: 'button', id: 'event-next', onclick: () => go(Math.min(pages() - 1, page + 1)) },
      '›',
    ),
    h('button', { type: 'button', id: 'event-last', onclick: () => go(pages() - 1) }, '»'),
    size,
  );
  const element = h(
    'section',
    { class: 'panel events-panel' },
    h('h2', {}, 'Events'),
    nav,
    h(
      'table',
      { class: 'table events', id: 'events' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['ID', 'Type', 'Step', 'Resource', 'Started after', 'Date and time'].map((t) => h('th', {}, t)),
        ),
      ),
      body,
    ),
  );
  const draw = () => {
    page = Math.min(page, pages() - 1);
    pageLabel.textContent = `Page ${page + 1} of ${pages()} · ${events.length} events`;
    const start = toMillis(events[0]?.timestamp) ?? 0;
    const rows = [];
    for (const event of events.slice(page * pageSize, (page + 1) * pageSize)) {
      const details = detailsOf(event);
      const resource = details?.resourceType
        ? `${details.resourceType}:${details.resource}`
        : (details?.resource ?? '');
      const failed = /Failed|TimedOut|Aborted/.test(event.type);
      const row = h(
        'tr',
        {
          class: `event-row${failed ? ' failed' : ''}`,
          'data-event-id': event.id,
          onclick: () => {
            if (expanded.has(event.id)) expanded.delete(event.id);
            else expanded.add(event.id);
            draw();
          },
        },
        h('td', {}, String(event.id)),
        h('td', {}, event.type),
        h('td', {}, stepOf.get(event.id) ?? ''),
        h('td', { class: 'ellipsis' }, resource),
        h('td', {}, formatDuration((toMillis(event.timestamp) ?? start) - start)),
        h('td', {}, formatDate(toMillis(event.timestamp) / 1000)),
      );
      rows.push(row);
      if (expanded.has(event.id)) {
        rows.push(h('tr', { class: 'event-details' }, h('td', { colspan: 6 }, jsonBlock(details ?? {}))));
      }
    }
    body.replaceChildren(...rows);
  };
  return {
    element,
    refresh: draw,
    reset() {
      expanded = new Set();
    },
  };
}
