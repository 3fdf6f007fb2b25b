import { h } from './dom.js';
import { errorBox, formatDate, statusBadge } from './format.js';
import { pagesOf } from './sfn-api.js';

/** How many executions a count reads at most (10 pages of 1000) before it shows "10000+". */
const COUNT_LIMIT = 10_000;

/** State machines: name, type, creation date, and how many executions run and have failed. */
export async function renderStateMachinesPage(main, { setCrumbs }) {
  setCrumbs([{ text: 'State machines' }]);
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'table', id: 'state-machines' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Name'),
        h('th', {}, 'Type'),
        h('th', {}, 'Created'),
        h('th', {}, 'Running'),
        h('th', {}, 'Failed'),
      ),
    ),
    body,
  );
  main.append(h('section', { class: 'panel' }, h('h1', {}, 'State machines'), table));
  let disposed = false;
  try {
    const machines = [];
    for await (const page of pagesOf('ListStateMachines', { maxResults: 1000 }, 'stateMachines'))
      machines.push(...page);
    if (machines.length === 0) {
      body.append(h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No state machines yet.')));
    }
    for (const machine of machines) {
      const running = h('td', { class: 'count', 'data-count': 'RUNNING' }, '…');
      const failed = h('td', { class: 'count', 'data-count': 'FAILED' }, '…');
      body.append(
        h(
          'tr',
          { 'data-name': machine.name },
          h(
            'td',
            {},
            h('a', { href: `#/state-machines/${encodeURIComponent(machine.stateMachineArn)}` }, machine.name),
          ),
          h('td', {}, machine.type),
          h('td', {}, formatDate(machine.creationDate)),
          running,
          failed,
        ),
      );
      if (machine.type === 'EXPRESS') {
        running.textContent = '–';
        failed.textContent = '–';
        running.title = failed.title = 'Express executions are not listed (as in AWS)';
        continue;
      }
      for (const [status, cell] of [
        ['RUNNING', running],
        ['FAILED', failed],
      ]) {
        countExecutions(machine.stateMachineArn, status, () => disposed).then(
          (count) => fillCount(cell, count, status),
          () => {
            cell.textContent = '?';
          },
        );
      }
    }
  } catch (error) {
    main.append(errorBox(error));
  }
  return {
    dispose() {
      disposed = true;
    },
  };
}

function fillCount(cell, count, status) {
  cell.replaceChildren(
    count === 0
      ? h('span', { class: 'muted' }, '0')
      : statusBadge(`${count >= COUNT_LIMIT ? `${COUNT_LIMIT}+` : count}`),
  );
  if (count > 0) cell.firstChild.classList.add(status === 'FAILED' ? 'badge-failed' : 'badge-running');
}

async function countExecutions(stateMachineArn, statusFilter, stopped) {
  let count = 0;
  for await (const page of pagesOf(
    'ListExecutions',
    { stateMachineArn, statusFilter, maxResults: 1000 },
    'executions',
  )) {
    count += page.length;
    if (count >= COUNT_LIMIT || stopped()) break;
  }
  return count;
}
