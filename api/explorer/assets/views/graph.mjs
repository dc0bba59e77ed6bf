// The neighbourhood of a node as a graph (Cytoscape.js; force-directed when
// small, rings by depth when larger): pan, zoom, click a node to expand it
// and put it in focus (its links highlighted, the rest dimmed); colours and
// shapes by kind; the legend filters by kind and by relation. The same
// graph is listed as two sortable tables (nodes, links) below it, and can be
// read as tables only, for keyboards and screen readers.

import { h, replace, uid } from '../dom.mjs';
import { t } from '../i18n.mjs';
import { gql } from '../api.mjs';
import { BASE, nodeHref, graphHref, errorBox, loading, formatNumber, kindLabel } from '../ui.mjs';
import {
  cytoscape, nodeData, edgeData, STYLE, RELATIONS, reducedMotion, filterLegend, counts,
  focusOn, clearFocus, fitFocus, fullLabels, showFullLabel, applyFilter, unfilter, everything, shown, runLayout, tableOnlySwitch
} from '../graphkit.mjs';
import { sortableTable, swapTable } from '../datatable.mjs';

const FIRST = 50;

const NEIGHBOURHOOD = `query Neighbourhood($id: ID!, $depth: Int, $relations: [Relation!], $first: Int) {
  neighbourhood(id: $id, depth: $depth, relations: $relations, first: $first) {
    nodes { id kind label degree }
    edges { relation from to }
    truncated
  }
}`;

export async function render(root, route, ctx) {
  const depth = Math.min(3, Math.max(1, parseInt(route.params.get('depth') || '1', 10) || 1));
  const rels = route.params.getAll('rel').filter((r) => r in RELATIONS);
  replace(root, h('h1', {}, t('graph.title')), loading());
  let data;
  let cytoscapeLib;
  try {
    [data, cytoscapeLib] = await Promise.all([
      gql(NEIGHBOURHOOD, { id: route.id, depth, relations: rels.length ? rels : null, first: FIRST }, { signal: ctx.signal }),
      cytoscape(),
    ]);
  } catch (err) {
    if (err.kind === 'aborted') throw err;
    const e = err.kind === 'badinput' && /invalid id/.test(err.message) ? Object.assign(err, { kind: 'notfound' }) : err;
    replace(root, h('h1', {}, t('graph.title')),
      errorBox(e.kind ? e : { kind: 'page' }, { retry: ctx.rerender, notFound: { title: t('node.notfound.title'), detail: t('node.notfound.detail') } }));
    return;
  }
  const sub = data.neighbourhood;
  const rootNode = sub.nodes[0];
  document.title = `${t('graph.title')} : ${rootNode?.label ?? ''} — ${t('brand')}`;

  const expanded = new Set([route.id]);
  const status = h('p', { class: 'graph-status', role: 'status', 'aria-live': 'polite' });
  const container = h('div', { class: 'cy', id: 'cy', role: 'img', 'aria-roledescription': t('graph.roledesc') });
  const details = h('div', { class: 'graph-details', 'aria-live': 'polite' });
  const legendBox = h('div', {});
  const tableBox = h('div', { class: 'node-table' });

  const relIds = Object.keys(RELATIONS);
  const relForm = h('form', {
    class: 'graph-controls',
    onsubmit: (e) => {
      e.preventDefault();
      const fd = new FormData(e.target);
      const p = new URLSearchParams();
      const d = fd.get('depth');
      if (d && d !== '1') p.set('depth', d);
      const chosen = fd.getAll('rel');
      if (chosen.length && chosen.length < relIds.length) for (const r of chosen) p.append('rel', r);
      ctx.navigate(`${graphHref(route.id)}${p.toString() ? `?${p}` : ''}`);
    },
  },
  h('label', { for: 'depth' }, t('graph.depth')), ' ',
  h('select', { id: 'depth', name: 'depth' }, [1, 2, 3].map((d) => h('option', { value: String(d), selected: d === depth }, String(d)))),
  h('details', { class: 'relations' },
    h('summary', {}, t('graph.relations'), rels.length ? ` (${rels.length})` : ''),
    h('fieldset', {},
      h('legend', { class: 'visually-hidden' }, t('graph.relations')),
      relIds.map((r) => {
        const id = uid('rel');
        return h('span', { class: 'check' },
          h('input', { type: 'checkbox', id, name: 'rel', value: r, checked: !rels.length || rels.includes(r) }),
          h('label', { for: id }, t(`relation.${r}`)));
      }))),
  h('button', { type: 'submit' }, t('graph.apply')));

  const hiddenKinds = new Set();
  const hiddenRelations = new Set();
  let focused = null;
  let zoomedIn = false; // focus mode zoomed in to make labels readable

  const zoomBy = (f) => cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 } });
  const viewTools = h('div', { class: 'graph-tools', role: 'group', 'aria-label': t('graph.view') },
    h('button', { type: 'button', onclick: () => zoomBy(1.25), 'aria-label': t('graph.zoomIn') }, '+'),
    h('button', { type: 'button', onclick: () => zoomBy(0.8), 'aria-label': t('graph.zoomOut') }, '−'),
    h('button', { type: 'button', onclick: () => cy.fit(shown(cy).nodes, 30) }, t('graph.fit')),
    h('button', { type: 'button', onclick: () => relayout(true) }, t('graph.relayout')));
  const graphMain = h('div', { class: 'graph-main' }, viewTools, container, status);
  const tablesHeading = h('h2', { id: 'nodes-heading', tabindex: '-1' }, t('graph.nodes'));
  const edgeBox = h('div', { class: 'node-table edge-table' });
  const viewSwitch = tableOnlySwitch(graphMain, tablesHeading, () => cy.resize());

  replace(root,
    h('h1', {}, t('graph.title'), ' : ', h('a', { href: nodeHref(route.id) }, rootNode?.label ?? '')),
    h('p', { class: 'hint' }, t('graph.hint'), ' ', t('graphs.focus.hint')),
    relForm,
    h('p', { class: 'graph-switch' }, viewSwitch),
    h('div', { class: 'graph-layout' },
      graphMain,
      h('aside', { class: 'graph-side', 'aria-label': t('graph.side') }, details, legendBox)),
    h('section', { 'aria-labelledby': 'nodes-heading' }, tablesHeading, tableBox),
    h('section', { 'aria-labelledby': 'edges-heading' }, h('h2', { id: 'edges-heading' }, t('graphs.edges')), edgeBox));

  const cy = cytoscapeLib({
    container,
    elements: [],
    style: STYLE,
    minZoom: 0.1,
    maxZoom: 3,
    wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
  });
  ctx.signal.addEventListener('abort', () => cy.destroy());
  window.__maillageGraph = cy; // for the browser tests and the curious
  fullLabels(cy);

  const add = (s, around) => {
    // New neighbours may include nodes a filter took out: put them back
    // first, so that none is added twice; the caller filters again.
    unfilter(cy);
    const origin = around ? cy.getElementById(around).position() : { x: 0, y: 0 };
    let added = 0;
    cy.batch(() => {
      for (const n of s.nodes) {
        if (cy.getElementById(n.id).nonempty()) {
          cy.getElementById(n.id).data('degree', n.degree);
          continue;
        }
        const angle = Math.random() * Math.PI * 2;
        cy.add({ group: 'nodes', data: nodeData(n), position: { x: origin.x + Math.cos(angle) * 60, y: origin.y + Math.sin(angle) * 60 } });
        added++;
      }
      for (const e of s.edges) {
        const d = edgeData(e);
        if (cy.getElementById(d.id).empty() && cy.getElementById(d.source).nonempty() && cy.getElementById(d.target).nonempty()) {
          cy.add({ group: 'edges', data: d });
        }
      }
    });
    return added;
  };

  const relayout = (randomize = false) => runLayout(cy, { root: route.id, animate: !reducedMotion(), randomize });

  const setFocus = (id) => {
    const node = id && cy.getElementById(id);
    if (!node || node.empty()) {
      focused = null;
      clearFocus(cy);
      // Back to the whole graph if focus mode had zoomed in on a part of it.
      if (zoomedIn) cy.fit(shown(cy).nodes, 30);
      zoomedIn = false;
    } else {
      focused = id;
      focusOn(cy, node);
      zoomedIn = fitFocus(cy, node) || zoomedIn;
      replace(status, t('graphs.focus.on', { label: node.data('label'), n: node.neighborhood('node').length }));
    }
    for (const b of root.querySelectorAll('button[data-focus]')) b.setAttribute('aria-pressed', String(b.dataset.focus === focused));
  };

  const refresh = (truncated, { withLegend = true } = {}) => {
    if (withLegend) {
      replace(legendBox, filterLegend({
        kinds: counts(everything(cy).nodes().map((n) => n.data('kind'))),
        relations: counts(everything(cy).edges().map((e) => e.data('type'))),
        hiddenKinds,
        hiddenRelations,
        onChange: () => {
          applyFilter(cy, hiddenKinds, hiddenRelations, route.id);
          if (focused) setFocus(focused);
          relayout(false);
          refresh(false, { withLegend: false });
        },
      }));
    }
    const vis = shown(cy);
    container.setAttribute('aria-label', t('graph.aria', { nodes: vis.nodes.length, edges: vis.edges.length }));
    const hidden = everything(cy).nodes().length - vis.nodes.length;
    replace(status, t('graph.status', { nodes: formatNumber(vis.nodes.length), edges: formatNumber(vis.edges.length) }),
      hidden ? ` ${t('graphs.hiddenByFilter', { n: hidden })}` : '',
      truncated ? ` ${t('graph.truncated', { n: FIRST })}` : '');
    renderTables();
  };

  const expand = async (id) => {
    if (expanded.has(id)) return;
    expanded.add(id);
    const node = cy.getElementById(id);
    node.addClass('expanded');
    replace(status, t('graph.expanding', { label: node.data('label') }));
    try {
      const d = await gql(NEIGHBOURHOOD, { id, depth: 1, relations: rels.length ? rels : null, first: FIRST }, { signal: ctx.signal });
      const added = add(d.neighbourhood, id);
      applyFilter(cy, hiddenKinds, hiddenRelations, route.id);
      if (added) relayout(false);
      refresh(d.neighbourhood.truncated);
      if (focused) setFocus(focused);
      replace(status, status.textContent, ' ', t('graph.added', { n: added, label: node.data('label') }));
      showDetails(node);
    } catch (err) {
      if (err.kind === 'aborted') return;
      expanded.delete(id);
      node.removeClass('expanded');
      replace(status, errorBox(err));
    }
  };

  const focusButton = (id, label, cls = 'link-button') => h('button', {
    type: 'button', class: cls, 'data-focus': id, 'aria-pressed': String(focused === id),
    'aria-label': t('graphs.focus.label', { label }),
    onclick: () => setFocus(focused === id ? null : id),
  }, t('graphs.focus'));

  const showDetails = (node) => {
    const id = node.id();
    const isExpanded = expanded.has(id);
    replace(details,
      h('h2', {}, node.data('label')),
      h('p', {}, kindLabel(node.data('kind')), ' · ', t('graph.degree', { n: node.data('degree') })),
      h('p', { class: 'actions' },
        h('button', { type: 'button', disabled: isExpanded, onclick: () => expand(id) }, isExpanded ? t('graph.expanded') : t('graph.expand')),
        focusButton(id, node.data('label'), 'secondary'),
        h('a', { href: nodeHref(id), class: 'button secondary' }, t('graph.openPage')),
        h('a', { href: graphHref(id), class: 'button secondary' }, t('graph.recenter')),
        h('a', { href: `${BASE}path?from=${encodeURIComponent(route.id)}&to=${encodeURIComponent(id)}`, class: 'button secondary' }, t('graph.pathHere'))));
  };

  // Pointing at or tabbing through a row shows that node's whole label on the canvas.
  const hover = (id) => ({
    onmouseenter: () => showFullLabel(cy, id, true),
    onmouseleave: () => showFullLabel(cy, id, false),
    onfocusin: () => showFullLabel(cy, id, true),
    onfocusout: () => showFullLabel(cy, id, false),
  });

  const renderTables = () => {
    const vis = shown(cy);
    const nodes = vis.nodes.map((n) => ({ id: n.id(), label: n.data('label'), kind: n.data('kind'), degree: n.data('degree') ?? 0 }));
    swapTable(tableBox, sortableTable({
      caption: t('graphs.nodes.caption', { n: nodes.length }),
      rows: nodes,
      key: (r) => r.id,
      sort: { key: 'label', dir: 'asc' },
      rowAttrs: (r) => ({ ...hover(r.id), class: r.id === route.id ? 'root-row' : null }),
      columns: [
        { key: 'label', label: t('graph.col.label'), rowHeader: true, value: (r) => r.label, cell: (r) => h('a', { href: nodeHref(r.id) }, r.label) },
        { key: 'kind', label: t('graph.col.kind'), value: (r) => kindLabel(r.kind) },
        { key: 'degree', label: t('graph.col.degree'), num: true, value: (r) => r.degree, cell: (r) => formatNumber(r.degree) },
        {
          key: 'actions', label: t('graph.col.actions'), sortable: false, value: () => 0,
          cell: (r) => h('span', { class: 'row-actions' },
            h('button', {
              type: 'button', class: 'link-button expand', disabled: expanded.has(r.id),
              'aria-label': expanded.has(r.id) ? t('graphs.expanded.label', { label: r.label }) : t('graph.expand.label', { label: r.label }),
              onclick: () => {
                const n = cy.getElementById(r.id);
                cy.$(':selected').unselect();
                n.select();
                expand(r.id);
              },
            }, expanded.has(r.id) ? t('graph.expanded') : t('graph.expand')),
            focusButton(r.id, r.label)),
        },
      ],
    }));
    const label = (id) => cy.getElementById(id).data('label');
    const edges = vis.edges.map((e) => ({ id: e.id(), from: e.data('source'), to: e.data('target'), type: e.data('type') }));
    swapTable(edgeBox, sortableTable({
      caption: t('graphs.edges.caption', { n: edges.length }),
      rows: edges,
      sort: { key: 'type', dir: 'asc' },
      columns: [
        { key: 'from', label: t('graphs.col.from'), rowHeader: true, value: (r) => label(r.from), cell: (r) => h('a', { href: nodeHref(r.from) }, label(r.from)) },
        { key: 'type', label: t('graphs.col.relation'), value: (r) => t(`relation.${r.type}`) },
        { key: 'to', label: t('graphs.col.to'), value: (r) => label(r.to), cell: (r) => h('a', { href: nodeHref(r.to) }, label(r.to)) },
      ],
    }));
  };

  add(sub);
  cy.getElementById(route.id).addClass('root expanded');
  cy.on('tap', 'node', (e) => {
    showDetails(e.target);
    setFocus(e.target.id());
    expand(e.target.id());
  });
  cy.on('select', 'node', (e) => showDetails(e.target));
  cy.on('tap', (e) => {
    if (e.target === cy) setFocus(null);
  });
  // Escape leaves focus mode wherever the keyboard focus is (a click on the
  // canvas leaves it on the body); the listener goes with the page.
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && focused && !e.defaultPrevented) setFocus(null);
  }, { signal: ctx.signal });
  relayout(true);
  refresh(sub.truncated);
  const r = cy.getElementById(route.id);
  if (r.nonempty()) {
    r.select();
    showDetails(r);
  }
}
