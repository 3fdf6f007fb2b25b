import { h } from './dom.js';

/**
 * The pages, each loaded when it is first opened: a page does not wait for the modules only another needs
 * (index.html preloads them all, so none waits on a round trip either).
 */
const pages = {
  stateMachines: () => import('./state-machines-page.js').then((m) => m.renderStateMachinesPage),
  stateMachine: () => import('./state-machine-page.js').then((m) => m.renderStateMachinePage),
  execution: () => import('./execution-page.js').then((m) => m.renderExecutionPage),
};

/**
 * The console's router: `#/` the state machines, `#/state-machines/<arn>` one of them,
 * `#/executions/<arn>` one execution. Each page draws into <main> and gives back a dispose() that stops its
 * timers when the page changes.
 */
const main = document.getElementById('main');
const crumbs = document.getElementById('crumbs');
let current;

function setCrumbs(items) {
  crumbs.replaceChildren(
    ...items.flatMap((item, index) => [
      ...(index > 0 ? [h('span', { class: 'sep' }, '/')] : []),
      item.href ? h('a', { href: item.href }, item.text) : h('span', {}, item.text),
    ]),
  );
  document.title = `${items[items.length - 1]?.text ?? 'Console'} · Statefold`;
}

function navigate(hash) {
  window.location.hash = hash;
}

async function route() {
  current?.dispose();
  current = undefined;
  main.replaceChildren();
  const hash = window.location.hash || '#/';
  const context = { setCrumbs, navigate };
  let page;
  const machine = hash.match(/^#\/state-machines\/(.+)$/);
  const execution = hash.match(/^#\/executions\/(.+)$/);
  main.setAttribute('aria-busy', 'true');
  if (machine)
    page = pages
      .stateMachine()
      .then((render) => render(main, { ...context, arn: decodeURIComponent(machine[1]) }));
  else if (execution)
    page = pages
      .execution()
      .then((render) => render(main, { ...context, arn: decodeURIComponent(execution[1]) }));
  else page = pages.stateMachines().then((render) => render(main, context));
  const mine = hash;
  const rendered = await page.catch((error) => {
    main.append(h('div', { class: 'error-box' }, String(error?.message ?? error)));
    return undefined;
  });
  if (window.location.hash === mine || (mine === '#/' && window.location.hash === '')) {
    current = rendered;
    main.setAttribute('aria-busy', 'false');
  } else rendered?.dispose();
}

window.addEventListener('hashchange', route);
route();
