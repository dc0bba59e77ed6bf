// Path finder: the shortest paths between two objects, as steps and as a
// small graph. ?from=<id>&to=<id>&max=<1..6>

import { h, replace } from '../dom.mjs';
import { t } from '../i18n.mjs';
import { gql } from '../api.mjs';
import { BASE, nodeLink, errorBox, notice, loading, kindLabel } from '../ui.mjs';
import { cytoscape, nodeData, edgeData, STYLE, legend } from '../graphkit.mjs';
import { picker } from '../picker.mjs';

const NAMES = `query Names($ids: [ID!]!) {
  nodes(ids: $ids) {
    id
    ... on Document { title }
    ... on Contributor { name }
    ... on Carnet { title }
    ... on Community { name }
    ... on KnowledgeBase { name }
  }
}`;

const PATHS = `query Paths($from: ID!, $to: ID!, $max: Int) {
  paths(from: $from, to: $to, maxDepth: $max, first: 3) {
    nodes { id kind label degree }
    edges { relation from to }
  }
}`;

export async function render(root, route, ctx) {
  document.title = `${t('path.title')} — ${t('brand')}`;
  const fromId = route.params.get('from');
  const toId = route.params.get('to');
  const max = Math.min(6, Math.max(1, parseInt(route.params.get('max') || '6', 10) || 6));
  const names = {};
  const ids = [fromId, toId].filter(Boolean);
  if (ids.length) {
    try {
      const d = await gql(NAMES, { ids }, { signal: ctx.signal, partial: true });
      for (const n of d.data.nodes || []) if (n) names[n.id] = n.title || n.name;
    } catch (err) {
      if (err.kind === 'aborted') throw err;
      // Unknown ids: the pickers start empty and the search below says why.
    }
  }
  const from = picker({ label: t('path.fromLabel'), name: 'from', value: fromId ? { id: fromId, title: names[fromId] ?? '' } : null });
  const to = picker({ label: t('path.toLabel'), name: 'to', value: toId ? { id: toId, title: names[toId] ?? '' } : null });
  const maxSel = h('select', { id: 'maxdepth', name: 'max' }, [1, 2, 3, 4, 5, 6].map((d) => h('option', { value: String(d), selected: d === max }, String(d))));
  const formNote = h('p', { class: 'form-note', role: 'alert' });
  const out = h('div', { class: 'path-results' });
  const form = h('form', {
    class: 'path-form',
    onsubmit: (e) => {
      e.preventDefault();
      const a = from.get();
      const b = to.get();
      if (!a || !b) {
        replace(formNote, t('path.pickBoth'));
        (a ? to : from).input.focus();
        return;
      }
      replace(formNote);
      const p = new URLSearchParams({ from: a.id, to: b.id });
      if (maxSel.value !== '6') p.set('max', maxSel.value);
      ctx.navigate(`${BASE}path?${p}`);
    },
  },
  h('div', { class: 'path-pickers' }, from.element, to.element,
    h('div', { class: 'picker' }, h('label', { for: 'maxdepth' }, t('path.max')), maxSel)),
  h('p', {}, h('button', { type: 'submit' }, t('path.find'))),
  formNote);
  replace(root, h('h1', {}, t('path.title')), h('p', { class: 'hint' }, t('path.hint')), form, out);
  if (!fromId || !toId) return;
  ctx.keepFocus = false;
  replace(out, loading());
  let paths;
  let lib;
  try {
    [paths, lib] = await Promise.all([
      gql(PATHS, { from: fromId, to: toId, max }, { signal: ctx.signal }).then((d) => d.paths),
      cytoscape(),
    ]);
  } catch (err) {
    if (err.kind === 'aborted') throw err;
    const e = err.kind === 'badinput' && /invalid id/.test(err.message) ? Object.assign(err, { kind: 'notfound' }) : err;
    replace(out, errorBox(e, { retry: ctx.rerender, notFound: { title: t('path.endNotFound'), detail: t('node.notfound.detail') } }));
    return;
  }
  if (!paths.length) {
    replace(out, notice(t('path.none.title'), t('path.none.detail', { n: max })));
    return;
  }
  const graphBox = h('div', { class: 'cy cy-path', id: 'cy', role: 'img' });
  const legendBox = h('div', {});
  let cy = null;
  const show = (i) => {
    const p = paths[i];
    if (cy) cy.destroy();
    const vertical = graphBox.clientWidth < 560;
    cy = lib({
      container: graphBox,
      style: STYLE,
      elements: [
        ...p.nodes.map((n, k) => ({ group: 'nodes', data: nodeData(n), classes: 'on-path', position: vertical ? { x: 0, y: k * 90 } : { x: k * 190, y: (k % 2) * 40 } })),
        ...p.edges.map((e) => ({ group: 'edges', data: edgeData(e) })),
      ],
      layout: { name: 'preset', fit: true, padding: 40 },
      minZoom: 0.2,
      maxZoom: 2.5,
      boxSelectionEnabled: false,
    });
    window.__maillageGraph = cy;
    cy.on('tap', 'node', (e) => ctx.navigate(`${BASE}node/${encodeURIComponent(e.target.id())}`));
    graphBox.setAttribute('aria-label', t('path.aria', { n: p.edges.length }));
    replace(legendBox, legend(new Set(p.nodes.map((n) => n.kind)), new Set(p.edges.map((e) => e.relation))));
  };
  ctx.signal.addEventListener('abort', () => cy?.destroy());
  const lists = paths.map((p, i) => {
    const steps = [];
    p.nodes.forEach((n, k) => {
      steps.push(h('li', { class: 'step' }, h('span', { class: 'muted' }, `${kindLabel(n.kind)} · `), nodeLink(n.id, n.label)));
      const e = p.edges[k];
      if (e) {
        // Read top-down: "A ↓ mentions B", or "A ↓ authored by B" for a
        // link stored the other way.
        const rel = e.from === n.id ? t(`relation.${e.relation}`) : t(`inverse.${e.relation}`);
        steps.push(h('li', { class: 'hop' }, h('span', { 'aria-hidden': 'true' }, '↓ '), h('span', { class: 'visually-hidden' }, t('path.hop', { rel })), h('span', { 'aria-hidden': 'true' }, rel)));
      }
    });
    return h('section', { class: 'panel path', 'aria-labelledby': `path-${i}` },
      h('h3', { id: `path-${i}` }, t('path.n', { i: i + 1, n: p.edges.length })),
      h('ol', { class: 'steps' }, steps),
      paths.length > 1 && h('button', { type: 'button', class: 'link-button', onclick: () => show(i) }, t('path.showGraph')));
  });
  replace(out,
    h('h2', {}, t('path.found', { n: paths.length })),
    h('div', { class: 'graph-layout' },
      h('div', { class: 'graph-main' }, graphBox),
      h('aside', { class: 'graph-side' }, legendBox)),
    h('div', { class: 'path-lists' }, lists));
  show(0);
}
