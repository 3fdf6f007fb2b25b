import { h } from './dom.js';

/**
 * A list that draws only the rows in view (plus a few either side), so 10,000 executions scroll as fast as
 * ten. Rows are one fixed height; the list is a scrolling box with a spacer as tall as all the rows.
 *   const list = createVirtualList({ rowHeight: 36, height: 420, columns, renderRow });
 *   list.setRows(rows);
 */
export function createVirtualList({
  rowHeight = 36,
  height = 420,
  columns,
  renderRow,
  empty = 'Nothing yet',
}) {
  const template = columns.map((column) => column.width ?? '1fr').join(' ');
  const header = h(
    'div',
    { class: 'vlist-header', style: `grid-template-columns: ${template}` },
    columns.map((column) => h('div', {}, column.title)),
  );
  const spacer = h('div', { class: 'vlist-spacer' });
  const viewport = h('div', { class: 'vlist-viewport', style: `height: ${height}px` }, spacer);
  const placeholder = h('div', { class: 'vlist-empty muted' }, empty);
  const element = h('div', { class: 'vlist' }, header, viewport, placeholder);
  let rows = [];
  let frame = 0;

  const draw = () => {
    frame = 0;
    const first = Math.max(0, Math.floor(viewport.scrollTop / rowHeight) - 5);
    const last = Math.min(rows.length, Math.ceil((viewport.scrollTop + height) / rowHeight) + 5);
    const drawn = [];
    for (let index = first; index < last; index += 1) {
      const row = renderRow(rows[index], index);
      row.classList.add('vlist-row');
      row.style.gridTemplateColumns = template;
      row.style.transform = `translateY(${index * rowHeight}px)`;
      row.style.height = `${rowHeight}px`;
      drawn.push(row);
    }
    spacer.replaceChildren(...drawn);
  };
  const schedule = () => {
    if (frame === 0) frame = requestAnimationFrame(draw);
  };
  viewport.addEventListener('scroll', schedule, { passive: true });

  return {
    element,
    setRows(next) {
      rows = next;
      spacer.style.height = `${rows.length * rowHeight}px`;
      placeholder.hidden = rows.length > 0;
      viewport.hidden = rows.length === 0;
      draw();
    },
    get rowCount() {
      return rows.length;
    },
  };
}
