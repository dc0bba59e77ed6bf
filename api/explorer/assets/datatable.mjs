// A sortable data table: the graphs' nodes and links for keyboards and
// screen readers. Each column header is a button; the sorted column says so
// with aria-sort, and the table's caption says how it is sorted.

import { h, replace } from './dom.mjs';
import { t } from './i18n.mjs';

/**
 * sortableTable({caption, columns, rows, sort, rowAttrs}) builds a table.
 * columns: [{key, label, num, rowHeader, value: (row) => string|number,
 * cell: (row) => node|string, sortable: false for an unsorted column whose
 * header only screen readers need}]; sort: {key, dir: 'asc'|'desc'}.
 * rowAttrs(row) gives each <tr> its attributes (listeners included);
 * key(row) names a row, for swapTable.
 */
export function sortableTable({ caption, columns, rows, sort, key = null, rowAttrs = () => ({}), className = '' }) {
  let state = { ...(sort || { key: columns[0].key, dir: 'asc' }) };
  const tbody = h('tbody', {});
  const sortNote = h('span', { class: 'visually-hidden' });
  const headers = columns.map((c) => {
    if (c.sortable === false) {
      return { c, th: h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, c.label)), btn: null };
    }
    const btn = h('button', {
      type: 'button', class: 'sort',
      onclick: () => {
        // A new column sorts numbers from the largest, text from A.
        if (state.key === c.key) state = { key: c.key, dir: state.dir === 'asc' ? 'desc' : 'asc' };
        else state = { key: c.key, dir: c.num ? 'desc' : 'asc' };
        draw();
      },
    }, c.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
    return { c, th: h('th', { scope: 'col', class: c.num ? 'num' : null }, btn), btn };
  });
  const cmp = (a, b) => {
    const col = columns.find((c) => c.key === state.key);
    const va = col.value(a);
    const vb = col.value(b);
    const r = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return state.dir === 'asc' ? r : -r;
  };
  const draw = () => {
    for (const { c, th, btn } of headers) {
      if (!btn) continue;
      const on = c.key === state.key;
      if (on) th.setAttribute('aria-sort', state.dir === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
      btn.lastChild.textContent = on ? (state.dir === 'asc' ? ' ▲' : ' ▼') : '';
    }
    const col = columns.find((c) => c.key === state.key);
    sortNote.textContent = ` ${t(state.dir === 'asc' ? 'graphs.table.sortedAsc' : 'graphs.table.sortedDesc', { col: col.label })}`;
    replace(tbody, [...rows].sort(cmp).map((r) => h('tr', { ...rowAttrs(r), 'data-key': key ? key(r) : null }, columns.map((c) => (c.rowHeader
      ? h('th', { scope: 'row' }, c.cell ? c.cell(r) : String(c.value(r)))
      : h('td', { class: c.num ? 'num' : null }, c.cell ? c.cell(r) : String(c.value(r))))))));
  };
  draw();
  return h('table', { class: `data sortable ${className}`.trim() },
    h('caption', {}, caption, sortNote),
    h('thead', {}, h('tr', {}, headers.map((x) => x.th))),
    tbody);
}

/**
 * swapTable puts table in box in place of the old one, and gives the focus
 * back to the same control (same row key, same kind of control) when it was
 * inside: a graph that grows under a keyboard user must not lose their place.
 */
export function swapTable(box, table) {
  const a = document.activeElement;
  let want = null;
  if (a && a !== box && box.contains(a)) {
    const th = a.closest('thead th');
    want = th
      ? { head: [...th.parentElement.children].indexOf(th) }
      : { key: a.closest('tr')?.dataset.key, tag: a.tagName, cls: a.getAttribute('class') || '' };
  }
  replace(box, table);
  if (!want) return;
  let el = null;
  if (want.head !== undefined) {
    el = table.querySelectorAll('thead th')[want.head]?.querySelector('button');
  } else if (want.key !== undefined) {
    const row = [...table.querySelectorAll('tbody tr')].find((tr) => tr.dataset.key === want.key);
    el = row && ([...row.querySelectorAll(want.tag)].find((x) => (x.getAttribute('class') || '') === want.cls && !x.disabled)
      || row.querySelector('button:not([disabled]), a[href]'));
  }
  if (el) el.focus();
}
