// The contributor network, for researchers, curators and admins: who
// writes with whom, and in which communities and organisations, for the
// documents of a search or carnet; downloadable as GraphML, GEXF or CSV.
// ?q=…&carnet=<id>

import { h, replace } from '../dom.mjs';
import { t } from '../i18n.mjs';
import { gql, download } from '../api.mjs';
import { errorBox, loading, formatNumber, nodeHref } from '../ui.mjs';
import { cytoscape, nodeData, STYLE, RELATIONS, legend } from '../graphkit.mjs';
import { scope, scopeForm } from './coverage.mjs';

const NETWORK = `query Network($query: String, $filter: SearchFilter) {
  contributorNetwork(query: $query, filter: $filter) {
    documentCount
    nodes { id kind label degree weightedDegree documents }
    edges { relation from to weight }
  }
}`;

const FILES = [
  ['network.graphml', 'GraphML'],
  ['network.gexf', 'GEXF'],
  ['network-nodes.csv', 'CSV (nœuds / nodes)'],
  ['network-edges.csv', 'CSV (liens / edges)'],
];

export async function render(root, route, ctx) {
  document.title = `${t('network.title')} — ${t('brand')}`;
  const sc = scope(route);
  const out = h('div', {});
  const { form, label } = scopeForm(route, ctx, 'network');
  replace(root, h('h1', {}, t('network.title')), h('p', { class: 'hint' }, t('network.hint')), form, out);
  replace(out, loading());
  let net;
  let lib;
  let scopeLabel;
  try {
    [net, lib, scopeLabel] = await Promise.all([
      gql(NETWORK, { query: sc.q || null, filter: sc.filter }, { signal: ctx.signal }).then((d) => d.contributorNetwork),
      cytoscape(),
      label,
    ]);
  } catch (err) {
    if (err.kind === 'aborted') throw err;
    replace(out, errorBox(err, { retry: ctx.rerender }));
    return;
  }
  const people = net.nodes.filter((n) => n.kind === 'CONTRIBUTOR');
  const params = new URLSearchParams();
  if (sc.q) params.set('query', sc.q);
  if (sc.filter) params.set('filter', JSON.stringify(sc.filter));
  const qs = params.toString() ? `?${params}` : '';
  const note = h('p', { class: 'muted', role: 'status' });
  const downloads = h('p', { class: 'actions' }, h('strong', {}, t('network.download'), ' '), FILES.map(([file, name]) => h('button', {
    type: 'button', class: 'secondary',
    onclick: async () => {
      replace(note, t('network.downloading'));
      try {
        await download(`/export/${file}${qs}`, file);
        replace(note);
      } catch (err) {
        replace(note, errorBox(err));
      }
    },
  }, name)));
  const container = h('div', { class: 'cy', id: 'cy', role: 'img', 'aria-label': t('graph.aria', { nodes: net.nodes.length, edges: net.edges.length }) });
  const legendBox = h('div', {});
  const coauthors = new Map();
  for (const e of net.edges) {
    if (e.relation !== 'COAUTHORED') continue;
    coauthors.set(e.from, (coauthors.get(e.from) || 0) + 1);
    coauthors.set(e.to, (coauthors.get(e.to) || 0) + 1);
  }
  replace(out,
    h('p', { class: 'lead' }, scopeLabel, ' — ', t('network.totals', {
      docs: formatNumber(net.documentCount), people: formatNumber(people.length), links: formatNumber(net.edges.length),
    })),
    downloads, note,
    people.length === 0
      ? h('div', { class: 'message', role: 'status' }, h('p', { class: 'message-title' }, t('network.empty')))
      : [
        h('div', { class: 'graph-layout' }, h('div', { class: 'graph-main' }, container), h('aside', { class: 'graph-side' }, legendBox)),
        h('section', { 'aria-labelledby': 'people-heading' },
          h('h2', { id: 'people-heading' }, t('network.people')),
          h('div', { class: 'node-table' }, h('table', { class: 'data' },
            h('thead', {}, h('tr', {},
              h('th', { scope: 'col' }, t('network.col.name')),
              h('th', { scope: 'col', class: 'num' }, t('network.col.documents')),
              h('th', { scope: 'col', class: 'num' }, t('network.col.coauthors')))),
            h('tbody', {}, [...people].sort((a, b) => (b.documents ?? 0) - (a.documents ?? 0) || a.label.localeCompare(b.label)).map((n) => h('tr', {},
              h('th', { scope: 'row' }, h('a', { href: nodeHref(n.id) }, n.label)),
              h('td', { class: 'num' }, formatNumber(n.documents ?? 0)),
              h('td', { class: 'num' }, formatNumber(coauthors.get(n.id) || 0)))))))),
      ]);
  if (!people.length) return;
  const cy = lib({
    container,
    style: [...STYLE, { selector: 'edge', style: { width: 'data(width)' } }, { selector: 'edge[type = "COAUTHORED"]', style: { 'target-arrow-shape': 'none' } }],
    elements: [
      ...net.nodes.map((n) => ({ group: 'nodes', data: { ...nodeData({ ...n, degree: n.weightedDegree }) } })),
      ...net.edges.map((e) => {
        const r = RELATIONS[e.relation] || { color: '#666', dash: 'solid' };
        return { group: 'edges', data: { id: `${e.relation}|${e.from}|${e.to}`, source: e.from, target: e.to, type: e.relation, color: r.color, dash: r.dash, width: Math.min(8, 1 + e.weight) } };
      }),
    ],
    layout: { name: 'cose', animate: false, nodeRepulsion: () => 400000, idealEdgeLength: () => 120, gravity: 0.3, padding: 30, randomize: true },
    minZoom: 0.2,
    maxZoom: 3,
    boxSelectionEnabled: false,
  });
  window.__maillageGraph = cy;
  ctx.signal.addEventListener('abort', () => cy.destroy());
  cy.on('tap', 'node', (e) => ctx.navigate(nodeHref(e.target.id())));
  replace(legendBox, legend(new Set(net.nodes.map((n) => n.kind)), new Set(net.edges.map((e) => e.relation))));
}
