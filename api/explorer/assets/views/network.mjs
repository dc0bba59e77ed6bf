// The contributor network, for researchers, curators and admins: who
// writes with whom, and in which communities and organisations, for the
// documents of a search or carnet; downloadable as GraphML, GEXF or CSV.
// The legend filters by kind and relation, a tap puts one node and its
// links in focus, and the same data reads as two sortable tables.
// ?q=…&carnet=<id>

import { h, replace } from '../dom.mjs';
import { t } from '../i18n.mjs';
import { gql, download } from '../api.mjs';
import { errorBox, loading, formatNumber, nodeHref, kindLabel } from '../ui.mjs';
import {
  cytoscape, nodeData, STYLE, RELATIONS, filterLegend, counts, focusOn, clearFocus, fitFocus, fullLabels, showFullLabel, applyFilter, shown, runLayout, tableOnlySwitch
} from '../graphkit.mjs';
import { sortableTable, swapTable } from '../datatable.mjs';
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
  const container = h('div', { class: 'cy', id: 'cy', role: 'img', 'aria-roledescription': t('graph.roledesc'), 'aria-label': t('graph.aria', { nodes: net.nodes.length, edges: net.edges.length }) });
  const legendBox = h('div', {});
  const details = h('div', { class: 'graph-details', 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('graphs.focus.hint')));
  const status = h('p', { class: 'graph-status', role: 'status', 'aria-live': 'polite' });
  const coauthors = new Map();
  for (const e of net.edges) {
    if (e.relation !== 'COAUTHORED') continue;
    coauthors.set(e.from, (coauthors.get(e.from) || 0) + 1);
    coauthors.set(e.to, (coauthors.get(e.to) || 0) + 1);
  }
  if (!people.length) {
    replace(out,
      h('p', { class: 'lead' }, scopeLabel, ' — ', t('network.totals', {
        docs: formatNumber(net.documentCount), people: formatNumber(people.length), links: formatNumber(net.edges.length),
      })),
      downloads, note,
      h('div', { class: 'message', role: 'status' }, h('p', { class: 'message-title' }, t('network.empty'))));
    return;
  }
  const hiddenKinds = new Set();
  const hiddenRelations = new Set();
  let focused = null;
  let zoomedIn = false; // focus mode zoomed in to make labels readable
  const byId = new Map(net.nodes.map((n) => [n.id, n]));
  const peopleBox = h('div', { class: 'node-table' });
  const linksBox = h('div', { class: 'node-table edge-table' });
  const linksCount = h('span', {});
  const graphMain = h('div', { class: 'graph-main' },
    h('div', { class: 'graph-tools', role: 'group', 'aria-label': t('graph.view') },
      h('button', { type: 'button', onclick: () => cy.fit(shown(cy).nodes, 30) }, t('graph.fit')),
      h('button', { type: 'button', onclick: () => runLayout(cy, { randomize: true }) }, t('graph.relayout'))),
    container, status);
  const peopleHeading = h('h2', { id: 'people-heading', tabindex: '-1' }, t('network.people'));
  const viewSwitch = tableOnlySwitch(graphMain, peopleHeading, () => cy.resize());
  replace(out,
    h('p', { class: 'lead' }, scopeLabel, ' — ', t('network.totals', {
      docs: formatNumber(net.documentCount), people: formatNumber(people.length), links: formatNumber(net.edges.length),
    })),
    downloads, note,
    h('p', { class: 'graph-switch' }, viewSwitch),
    h('div', { class: 'graph-layout' }, graphMain, h('aside', { class: 'graph-side', 'aria-label': t('graph.side') }, details, legendBox)),
    h('section', { 'aria-labelledby': 'people-heading' }, peopleHeading, peopleBox),
    h('section', { 'aria-labelledby': 'links-heading' },
      h('details', {
        class: 'links-details',
        // Built when opened: a thousand links are many rows to lay out for nobody.
        ontoggle: (e) => {
          if (e.target.open) renderLinks();
        },
      },
        h('summary', {}, h('h2', { id: 'links-heading', class: 'inline-heading' }, t('graphs.edges'), ' ', linksCount)),
        linksBox)));

  const cy = lib({
    container,
    style: [...STYLE, { selector: 'edge', style: { width: 'data(width)' } }, { selector: 'edge[type = "COAUTHORED"]', style: { 'target-arrow-shape': 'none' } },
      { selector: 'edge.hl', style: { width: 'data(width)', opacity: 1 } }],
    elements: [
      ...net.nodes.map((n) => ({ group: 'nodes', data: { ...nodeData({ ...n, degree: n.weightedDegree }) } })),
      ...net.edges.map((e) => {
        const r = RELATIONS[e.relation] || { color: '#666', dash: 'solid' };
        return { group: 'edges', data: { id: `${e.relation}|${e.from}|${e.to}`, source: e.from, target: e.to, type: e.relation, color: r.color, dash: r.dash, weight: e.weight, width: Math.min(8, 1 + e.weight) } };
      }),
    ],
    minZoom: 0.05,
    maxZoom: 3,
    boxSelectionEnabled: false,
  });
  window.__maillageGraph = cy;
  ctx.signal.addEventListener('abort', () => cy.destroy());
  fullLabels(cy);

  const focusButton = (id, label, cls = 'link-button') => h('button', {
    type: 'button', class: cls, 'data-focus': id, 'aria-pressed': String(focused === id),
    'aria-label': t('graphs.focus.label', { label }),
    onclick: () => setFocus(focused === id ? null : id),
  }, t('graphs.focus'));

  const showDetails = (id) => {
    const n = byId.get(id);
    replace(details,
      h('h2', {}, n.label),
      h('p', {}, kindLabel(n.kind),
        n.kind === 'CONTRIBUTOR' ? [' · ', t('network.col.documents'), ' : ', formatNumber(n.documents ?? 0), ' · ', t('network.col.coauthors'), ' : ', formatNumber(coauthors.get(id) || 0)] : ''),
      h('p', { class: 'actions' }, focusButton(id, n.label, 'secondary'), h('a', { href: nodeHref(id), class: 'button secondary' }, t('graph.openPage'))));
  };

  const setFocus = (id) => {
    const node = id && cy.getElementById(id);
    if (!node || node.empty()) {
      focused = null;
      clearFocus(cy);
      // Back to the whole graph if focus mode had zoomed in on a part of it.
      if (zoomedIn) cy.fit(shown(cy).nodes, 30);
      zoomedIn = false;
      replace(status);
    } else {
      focused = id;
      focusOn(cy, node);
      zoomedIn = fitFocus(cy, node) || zoomedIn;
      showDetails(id);
      replace(status, t('graphs.focus.on', { label: node.data('label'), n: node.neighborhood('node').length }));
    }
    for (const b of root.querySelectorAll('button[data-focus]')) b.setAttribute('aria-pressed', String(b.dataset.focus === focused));
  };

  const hover = (id) => ({
    onmouseenter: () => showFullLabel(cy, id, true),
    onmouseleave: () => showFullLabel(cy, id, false),
    onfocusin: () => showFullLabel(cy, id, true),
    onfocusout: () => showFullLabel(cy, id, false),
  });

  const renderTables = () => {
    const vis = shown(cy);
    const visible = new Set(vis.nodes.map((n) => n.id()));
    const rows = people.filter((n) => visible.has(n.id));
    swapTable(peopleBox, sortableTable({
      caption: t('graphs.nodes.caption', { n: rows.length }),
      rows,
      key: (r) => r.id,
      sort: { key: 'documents', dir: 'desc' },
      rowAttrs: (r) => hover(r.id),
      columns: [
        { key: 'name', label: t('network.col.name'), rowHeader: true, value: (r) => r.label, cell: (r) => h('a', { href: nodeHref(r.id) }, r.label) },
        { key: 'documents', label: t('network.col.documents'), num: true, value: (r) => r.documents ?? 0, cell: (r) => formatNumber(r.documents ?? 0) },
        { key: 'coauthors', label: t('network.col.coauthors'), num: true, value: (r) => coauthors.get(r.id) || 0, cell: (r) => formatNumber(coauthors.get(r.id) || 0) },
        { key: 'actions', label: t('graph.col.actions'), sortable: false, value: () => 0, cell: (r) => focusButton(r.id, r.label) },
      ],
    }));
    linksCount.textContent = `(${formatNumber(vis.edges.length)})`;
    if (linksBox.closest('details')?.open) renderLinks();
  };

  const renderLinks = () => {
    const vis = shown(cy);
    const links = vis.edges.map((e) => ({ from: e.data('source'), to: e.data('target'), type: e.data('type'), weight: e.data('weight') }));
    const label = (id) => byId.get(id)?.label ?? id;
    swapTable(linksBox, sortableTable({
      caption: t('graphs.edges.caption', { n: links.length }),
      rows: links,
      sort: { key: 'weight', dir: 'desc' },
      columns: [
        { key: 'from', label: t('graphs.col.from'), rowHeader: true, value: (r) => label(r.from), cell: (r) => h('a', { href: nodeHref(r.from) }, label(r.from)) },
        { key: 'type', label: t('graphs.col.relation'), value: (r) => t(`relation.${r.type}`) },
        { key: 'to', label: t('graphs.col.to'), value: (r) => label(r.to), cell: (r) => h('a', { href: nodeHref(r.to) }, label(r.to)) },
        { key: 'weight', label: t('graphs.col.weight'), num: true, value: (r) => r.weight, cell: (r) => formatNumber(r.weight) },
      ],
    }));
  };

  replace(legendBox, filterLegend({
    kinds: counts(net.nodes.map((n) => n.kind)),
    relations: counts(net.edges.map((e) => e.relation)),
    hiddenKinds,
    hiddenRelations,
    onChange: () => {
      applyFilter(cy, hiddenKinds, hiddenRelations, null);
      if (focused) setFocus(focused);
      runLayout(cy, {});
      renderTables();
    },
  }));
  // A tap puts a person (or a community, an organisation) in focus; their
  // page is one link away in the side panel.
  cy.on('tap', 'node', (e) => setFocus(e.target.id()));
  cy.on('tap', (e) => {
    if (e.target === cy) setFocus(null);
  });
  // Escape leaves focus mode wherever the keyboard focus is (a click on the
  // canvas leaves it on the body); the listener goes with the page.
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && focused && !e.defaultPrevented) setFocus(null);
  }, { signal: ctx.signal });
  renderTables();
  await runLayout(cy, { randomize: true });
}
