// A document's history: every revision, any two compared line by line
// (the document page's diff view), and — for its authors and curators —
// an earlier version restored as a new revision, with the version check:
// if the document changed since the page was read, the page says so, shows
// that change, and restores only when asked again.
// /explore/history/<id>

import { h, replace, uid } from '../dom.mjs';
import { t } from '../i18n.mjs';
import { gql } from '../api.mjs';
import { nodeLink, kindBadge, errorBox, loading, time } from '../ui.mjs';
import { renderDiff } from './node.mjs';
import { role, editHref, isConflict } from '../curator.mjs';

const HISTORY = `query DocumentHistory($id: ID!) {
  node(id: $id) {
    id
    ... on Document {
      kind title version
      authorships { contributor { id } }
      revisions(first: 100) { totalCount nodes { version at changed title author { id name } } }
    }
  }
}`;

const DIFF = `query HistoryDiff($id: ID!, $from: Int!, $to: Int!) {
  revisionDiff(id: $id, from: $from, to: $to) {
    minimal
    title { changed lines { op text oldLine newLine } }
    summary { changed lines { op text oldLine newLine } }
    body { changed lines { op text oldLine newLine } }
  }
}`;

const RESTORE = `mutation RestoreRevision($id: ID!, $version: Int!, $expected: Int!) {
  restoreRevision(id: $id, version: $version, expectedVersion: $expected) { document { id version } }
}`;

function fieldName(f) {
  const s = t(`field.${f}`);
  return s === `field.${f}` ? f : s;
}

export async function render(root, route, ctx) {
  replace(root, loading());
  let d;
  let who;
  try {
    [d, who] = await Promise.all([gql(HISTORY, { id: route.id }, { signal: ctx.signal }).then((x) => x.node), role()]);
  } catch (err) {
    if (err.kind === 'aborted') throw err;
    replace(root, h('h1', {}, t('rev.title')), errorBox(err.kind === 'badinput' ? { kind: 'notfound' } : err, { retry: ctx.rerender }));
    return;
  }
  if (!d || !d.revisions) {
    replace(root, h('h1', {}, t('rev.title')), errorBox({ kind: 'notfound' }));
    return;
  }
  document.title = `${t('cur.hist.title', { title: d.title })} — ${t('brand')}`;
  const mayRestore = who.curator || (who.viewerId && d.authorships.some((a) => a.contributor.id === who.viewerId));
  const revs = d.revisions.nodes;
  const diffBox = h('div', { id: 'history-diff', 'aria-live': 'polite' });
  const status = h('div', { id: 'restore-status', role: 'status', class: 'form-status' });

  const fromId = uid('from');
  const toId = uid('to');
  const opts = (sel) => revs.map((r) => h('option', { value: String(r.version), selected: r.version === sel }, t('rev.version', { v: r.version })));
  const older = revs[1]?.version ?? revs[0]?.version ?? 1;
  const fromSel = h('select', { id: fromId, name: 'from' }, opts(older));
  const toSel = h('select', { id: toId, name: 'to' }, opts(d.version));
  const compare = async (from, to) => {
    fromSel.value = String(from);
    toSel.value = String(to);
    replace(diffBox, loading());
    try {
      const diff = (await gql(DIFF, { id: d.id, from, to }, { signal: ctx.signal })).revisionDiff;
      replace(diffBox, h('h2', {}, t('cur.hist.compared', { from, to })), renderDiff(diff, from, to));
    } catch (err) {
      if (err.kind !== 'aborted') replace(diffBox, errorBox(err));
    }
  };

  const restore = async (version, expected, btn) => {
    if (btn) btn.disabled = true;
    replace(status, t('cur.saving'));
    try {
      const res = (await gql(RESTORE, { id: d.id, version, expected })).restoreRevision.document;
      replace(status, h('p', { class: 'ok-note' }, t('cur.hist.restored', { v: version, nv: res.version })));
      ctx.keepFocus = true;
      await render(root, route, ctx);
      root.querySelector('#restore-status')?.replaceWith(status);
    } catch (err) {
      if (btn) btn.disabled = false;
      if (!isConflict(err)) {
        replace(status, errorBox(err));
        return;
      }
      // Someone wrote since this page was read: show what, and ask again.
      let now;
      try {
        now = (await gql(HISTORY, { id: d.id })).node;
      } catch (e2) {
        replace(status, errorBox(e2));
        return;
      }
      const theirDiff = h('div', {});
      gql(DIFF, { id: d.id, from: expected, to: now.version }).then(
        (x) => replace(theirDiff, renderDiff(x.revisionDiff, expected, now.version)),
        () => replace(theirDiff));
      replace(status, h('section', { class: 'message warn merge', role: 'alert', id: 'restore-conflict' },
        h('p', { class: 'message-title' }, t('cur.hist.conflict', { v: now.version })),
        h('p', {}, t('cur.hist.conflictDetail', { from: expected, to: now.version, v: version })),
        theirDiff,
        h('p', { class: 'actions' },
          h('button', { type: 'button', id: 'restore-anyway', onclick: () => restore(version, now.version) }, t('cur.hist.restoreAnyway', { v: version })),
          h('button', { type: 'button', class: 'secondary', onclick: () => render(root, route, ctx) }, t('cur.hist.reload')))));
      status.querySelector('#restore-anyway')?.focus();
    }
  };

  const rows = revs.map((r) => {
    const current = r.version === d.version;
    const btn = mayRestore && !current && h('button', {
      type: 'button', class: 'secondary small', 'data-restore': String(r.version),
      onclick: () => restore(r.version, d.version, btn),
    }, t('cur.hist.restore', { v: r.version }));
    return h('tr', { 'data-version': String(r.version) },
      h('th', { scope: 'row' }, t('rev.version', { v: r.version }), current && h('span', { class: 'muted' }, ` (${t('cur.hist.current')})`)),
      h('td', {}, time(r.at, true)),
      h('td', {}, r.author ? nodeLink(r.author.id, r.author.name) : h('span', { class: 'muted' }, '—')),
      h('td', {}, r.changed.map(fieldName).join(', ')),
      h('td', { class: 'actions-cell' },
        !current && h('button', { type: 'button', class: 'link-button', onclick: () => compare(r.version, d.version) }, t('cur.hist.vsCurrent')),
        btn && [' ', btn]));
  });

  replace(root,
    h('p', { class: 'eyebrow' }, kindBadge(d.kind), ' ', nodeLink(d.id, t('cur.backToDoc')), mayRestore && [' · ', h('a', { href: editHref(d.id) }, t('cur.edit'))]),
    h('h1', {}, t('cur.hist.title', { title: d.title })),
    h('p', { class: 'muted' }, t('cur.edit.version', { v: d.version })),
    status,
    h('form', {
      class: 'history-compare',
      onsubmit: (e) => {
        e.preventDefault();
        compare(Number(fromSel.value), Number(toSel.value));
      },
    },
    h('div', { class: 'field' }, h('label', { for: fromId }, t('cur.hist.from')), fromSel),
    h('div', { class: 'field' }, h('label', { for: toId }, t('cur.hist.to')), toSel),
    h('div', { class: 'field field-button' }, h('button', { type: 'submit', id: 'history-compare' }, t('cur.hist.compare')))),
    diffBox,
    h('div', { class: 'table-wrap' }, h('table', { class: 'data history-table', id: 'history-table' },
      h('caption', { class: 'visually-hidden' }, t('cur.hist.caption')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('cur.hist.col.version')),
        h('th', { scope: 'col' }, t('cur.hist.col.date')),
        h('th', { scope: 'col' }, t('cur.hist.col.author')),
        h('th', { scope: 'col' }, t('cur.hist.col.changed')),
        h('th', { scope: 'col' }, t('cur.hist.col.actions')))),
      h('tbody', {}, rows))),
    d.revisions.totalCount > revs.length && h('p', { class: 'muted' }, t('list.more', { n: d.revisions.totalCount - revs.length })));
  if (revs.length > 1) compare(older, d.version);
}
