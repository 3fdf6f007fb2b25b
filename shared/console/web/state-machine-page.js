import { afterPaint, h, milestone } from './dom.js';
import { errorBox, formatDate, formatDuration, jsonBlock, statusBadge, toDate } from './format.js';
import { createGraphView } from './graph-view.js';
import { callApi, pagesOf } from './sfn-api.js';
import { createVirtualList } from './virtual-list.js';

const STATUSES = ['', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

/**
 * One state machine: its graph and definition, a form to start an execution, and its executions (newest
 * first, loaded page by page in the background; filtered by status on the server, by name prefix and start
 * time here; drawn by a virtual list).
 */
export async function renderStateMachinePage(main, { arn, setCrumbs, navigate }) {
  let disposed = false;
  let machine;
  // The executions' first page is asked for with the description, not after it (for an EXPRESS machine,
  // whose executions are not listed, its answer is an error no one reads).
  const firstExecutions = firstPageOf(
    'ListExecutions',
    { stateMachineArn: arn, maxResults: 1000 },
    'executions',
  );
  try {
    machine = await callApi('DescribeStateMachine', { stateMachineArn: arn });
  } catch (error) {
    setCrumbs([{ text: 'State machines', href: '#/' }, { text: arn }]);
    main.append(errorBox(error));
    return { dispose() {} };
  }
  setCrumbs([{ text: 'State machines', href: '#/' }, { text: machine.name }]);

  const summary = h(
    'section',
    { class: 'panel summary' },
    h('h1', {}, machine.name, ' ', statusBadge(machine.status ?? 'ACTIVE')),
    h(
      'dl',
      { class: 'facts' },
      fact('ARN', h('code', {}, machine.stateMachineArn)),
      fact('Type', machine.type),
      fact('Created', formatDate(machine.creationDate)),
      machine.revisionId ? fact('Revision', h('code', {}, machine.revisionId)) : null,
      fact('Role', h('code', {}, machine.roleArn ?? '–')),
    ),
  );

  const graphPanel = h('section', { class: 'panel graph-panel' }, h('h2', {}, 'Graph'));
  const definitionPanel = h(
    'section',
    { class: 'panel definition-panel' },
    h('h2', {}, 'Definition'),
    jsonBlock(machine.definition, { id: 'definition', 'aria-readonly': 'true' }),
  );
  const startForm = renderStartForm(machine, navigate);
  const executions = renderExecutions(machine, () => disposed, firstExecutions);
  const versionsPanel = h('section', { class: 'panel versions-panel', id: 'versions', hidden: true });
  main.append(
    summary,
    versionsPanel,
    h('div', { class: 'split' }, graphPanel, definitionPanel),
    machine.type === 'STANDARD' ? executions.element : null,
    startForm,
  );
  if (machine.type === 'STANDARD') executions.load();
  // The graph (its modules, ELK's worker compiling 1.6 MB, the layout) once the first executions are drawn:
  // on a small machine it would otherwise hold them up.
  const firstShown = machine.type === 'STANDARD' ? firstExecutions.first.catch(() => {}) : Promise.resolve();
  firstShown
    .then(afterPaint)
    .then(() => (disposed ? undefined : createGraphView(machine.definition)))
    .then(
      (view) => {
        if (!view) return;
        graphPanel.append(view.element);
        milestone('graph-drawn');
      },
      (error) => graphPanel.append(errorBox(error)),
    );
  loadVersionsAndAliases(machine).then(
    (children) => {
      if (disposed || children.length === 0) return;
      versionsPanel.append(...children);
      versionsPanel.hidden = false;
    },
    (error) => {
      // An endpoint without versions (an older Statefold) shows none; any other failure is shown.
      if (disposed || error.name === 'UnknownOperationException') return;
      versionsPanel.append(errorBox(error));
      versionsPanel.hidden = false;
    },
  );
  return {
    dispose() {
      disposed = true;
    },
  };
}

/** Versions shown with their descriptions (one DescribeStateMachine each); older ones are listed without. */
const DESCRIBED_VERSIONS = 25;

/**
 * The machine's versions (newest first) and aliases (each with the versions it routes to and their weights), as
 * tables; none when it has neither.
 */
async function loadVersionsAndAliases(machine) {
  const stateMachineArn = machine.stateMachineArn;
  const versions = [];
  for await (const page of pagesOf('ListStateMachineVersions', { stateMachineArn }, 'stateMachineVersions')) {
    versions.push(...page);
  }
  const aliases = [];
  for await (const page of pagesOf('ListStateMachineAliases', { stateMachineArn }, 'stateMachineAliases')) {
    aliases.push(...page);
  }
  const children = [];
  if (versions.length > 0) {
    const described = await Promise.all(
      versions
        .slice(0, DESCRIBED_VERSIONS)
        .map((version) =>
          callApi('DescribeStateMachine', { stateMachineArn: version.stateMachineVersionArn }).catch(
            () => ({}),
          ),
        ),
    );
    children.push(
      h('h2', {}, 'Versions'),
      h(
        'table',
        { class: 'table versions-table' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', {}, 'Version'), h('th', {}, 'Description'), h('th', {}, 'Created')),
        ),
        h(
          'tbody',
          {},
          versions.map((version, i) =>
            h(
              'tr',
              { 'data-version': version.stateMachineVersionArn },
              h('td', {}, h('code', {}, version.stateMachineVersionArn.split(':').pop())),
              h('td', {}, described[i]?.description ?? ''),
              h('td', {}, formatDate(version.creationDate)),
            ),
          ),
        ),
      ),
    );
  }
  if (aliases.length > 0) {
    const described = await Promise.all(
      aliases.map((alias) =>
        callApi('DescribeStateMachineAlias', { stateMachineAliasArn: alias.stateMachineAliasArn }),
      ),
    );
    children.push(
      h('h2', {}, 'Aliases'),
      h(
        'table',
        { class: 'table aliases-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'Alias'),
            h('th', {}, 'Routes to'),
            h('th', {}, 'Description'),
            h('th', {}, 'Updated'),
          ),
        ),
        h(
          'tbody',
          {},
          described.map((alias) =>
            h(
              'tr',
              { 'data-alias': alias.name },
              h('td', {}, h('code', {}, alias.name)),
              h(
                'td',
                {},
                (alias.routingConfiguration ?? [])
                  .map(
                    (route) => `version ${route.stateMachineVersionArn.split(':').pop()}: ${route.weight}%`,
                  )
                  .join(', '),
              ),
              h('td', {}, alias.description ?? ''),
              h('td', {}, formatDate(alias.updateDate)),
            ),
          ),
        ),
      ),
    );
  }
  return children;
}

function fact(term, value) {
  return [h('dt', {}, term), h('dd', {}, value)];
}

function renderStartForm(machine, navigate) {
  const name = h('input', {
    id: 'execution-name',
    name: 'name',
    placeholder: 'optional: a UUID is chosen',
    maxlength: 80,
  });
  const input = h('textarea', { id: 'execution-input', name: 'input', rows: 8, spellcheck: 'false' }, '{}');
  const message = h('div', { class: 'form-message', role: 'status' });
  const form = h(
    'form',
    { class: 'panel start-form', id: 'start-execution' },
    h('h2', {}, 'Start execution'),
    h('label', {}, 'Name', name),
    h('label', {}, 'Input (JSON)', input),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Start execution'),
      message,
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.replaceChildren();
    try {
      JSON.parse(input.value);
    } catch (error) {
      message.append(errorBox({ name: 'Invalid JSON', message: error.message }));
      return;
    }
    try {
      const request = { stateMachineArn: machine.stateMachineArn, input: input.value };
      if (name.value.trim() !== '') request.name = name.value.trim();
      if (machine.type === 'EXPRESS') {
        const result = await callApi('StartSyncExecution', request);
        message.append(statusBadge(result.status), ' ', jsonBlock(result.output ?? result.error));
        return;
      }
      const { executionArn } = await callApi('StartExecution', request);
      navigate(`#/executions/${encodeURIComponent(executionArn)}`);
    } catch (error) {
      message.append(errorBox(error));
    }
  });
  return form;
}

/** A listing's pages with its first (small) page already asked for: { pages, first }. */
function firstPageOf(operation, input, key) {
  const pages = pagesOf(operation, input, key, FIRST_PAGE_SIZE);
  const first = pages.next();
  first.catch(() => {});
  return { pages, first };
}

/** The first page of executions: enough to fill the list at once, small enough to come at once. */
const FIRST_PAGE_SIZE = 100;

function renderExecutions(machine, stopped, started) {
  const status = h(
    'select',
    { id: 'status-filter', 'aria-label': 'Status' },
    STATUSES.map((s) => h('option', { value: s }, s || 'Any status')),
  );
  const prefix = h('input', {
    id: 'name-filter',
    type: 'search',
    placeholder: 'Name starts with…',
    'aria-label': 'Name prefix',
  });
  const since = h('input', { id: 'since-filter', type: 'datetime-local', 'aria-label': 'Started after' });
  const counter = h('span', { class: 'muted', id: 'execution-count' });
  const list = createVirtualList({
    rowHeight: 36,
    height: 420,
    empty: 'No executions.',
    columns: [
      { title: 'Name', width: 'minmax(180px, 2fr)' },
      { title: 'Status', width: '120px' },
      { title: 'Started', width: '200px' },
      { title: 'Duration', width: '110px' },
    ],
    renderRow: (execution) =>
      h(
        'a',
        {
          href: `#/executions/${encodeURIComponent(execution.executionArn)}`,
          class: 'execution-row',
          'data-name': execution.name,
        },
        h('div', { class: 'ellipsis' }, execution.name),
        h('div', {}, statusBadge(execution.status)),
        h('div', {}, formatDate(execution.startDate)),
        h(
          'div',
          {},
          execution.stopDate ? formatDuration((execution.stopDate - execution.startDate) * 1000) : '–',
        ),
      ),
  });
  let all = [];
  let generation = 0;
  let complete = false;
  const refilter = () => {
    const text = prefix.value;
    const after = since.value ? new Date(since.value).getTime() : undefined;
    const shown = all.filter(
      (e) =>
        (text === '' || e.name.startsWith(text)) &&
        (after === undefined || toDate(e.startDate).getTime() >= after),
    );
    list.setRows(shown);
    if (shown.length > 0) milestone('executions-first-rows');
    counter.textContent = `${shown.length}${shown.length === all.length ? '' : ` of ${all.length}`} execution${all.length === 1 ? '' : 's'}${complete ? '' : ' (loading…)'}`;
  };
  const load = async () => {
    generation += 1;
    const mine = generation;
    all = [];
    complete = false;
    refilter();
    const input = { stateMachineArn: machine.stateMachineArn, maxResults: 1000 };
    if (status.value) input.statusFilter = status.value;
    // A small first page shows the newest executions at once; the rest come 1,000 at a time.
    const { pages, first } =
      started && !status.value ? started : firstPageOf('ListExecutions', input, 'executions');
    started = undefined;
    try {
      for (let step = await first; !step.done; step = await pages.next()) {
        if (mine !== generation || stopped()) {
          await pages.return();
          return;
        }
        all = all.concat(step.value);
        refilter();
      }
      complete = true;
      refilter();
      milestone('executions-listed');
    } catch (error) {
      element.append(errorBox(error));
    }
  };
  status.addEventListener('change', load);
  prefix.addEventListener('input', refilter);
  since.addEventListener('change', refilter);
  const refresh = h('button', { type: 'button', onclick: load }, 'Refresh');
  const element = h(
    'section',
    { class: 'panel executions-panel' },
    h('h2', {}, 'Executions'),
    h(
      'div',
      { class: 'filters' },
      status,
      prefix,
      h('label', { class: 'inline' }, 'Started after ', since),
      refresh,
      counter,
    ),
    list.element,
  );
  return { element, load };
}
