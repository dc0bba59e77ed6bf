// The neighbourhood of a node as a force-directed graph (Cytoscape.js,
// "cose" layout): pan, zoom, click a node to expand it; colours and shapes
// by kind, a legend of link types. The same graph is listed as a table
// below it, for keyboards and screen readers.

import { h, replace, uid } from '../dom.mjs';
import { t } from '../i18n.mjs';
import { gql } from '../api.mjs';
import { BASE, nodeHref, graphHref, errorBox, loading, formatNumber, kindLabel } from '../ui.mjs';
import { cytoscape, nodeData, edgeData, STYLE, RELATIONS, legend, reducedMotion } from '../graphkit.mjs';

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

  const zoomBy = (f) => cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 } });
  const viewTools = h('div', { class: 'graph-tools', role: 'group', 'aria-label': t('graph.view') },
    h('button', { type: 'button', onclick: () => zoomBy(1.25), 'aria-label': t('graph.zoomIn') }, '+'),
    h('button', { type: 'button', onclick: () => zoomBy(0.8), 'aria-label': t('graph.zoomOut') }, '−'),
    h('button', { type: 'button', onclick: () => cy.fit(undefined, 30) }, t('graph.fit')),
    h('button', { type: 'button', onclick: () => relayout(true) }, t('graph.relayout')));

  replace(root,
    h('h1', {}, t('graph.title'), ' : ', h('a', { href: nodeHref(route.id) }, rootNode?.label ?? '')),
    h('p', { class: 'hint' }, t('graph.hint')),
    relForm,
    h('div', { class: 'graph-layout' },
      h('div', { class: 'graph-main' }, viewTools, container, status),
      h('aside', { class: 'graph-side', 'aria-label': t('graph.side') }, details, legendBox)),
    h('section', { 'aria-labelledby': 'nodes-heading' },
      h('h2', { id: 'nodes-heading' }, t('graph.nodes')),
      tableBox));

  const cy = cytoscapeLib({
    container,
    elements: [],
    style: STYLE,
    minZoom: 0.2,
    maxZoom: 3,
    wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
  });
  ctx.signal.addEventListener('abort', () => cy.destroy());
  window.__maillageGraph = cy; // for the browser tests and the curious

  const add = (s, around) => {
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

  const relayout = (randomize = false) => {
    cy.layout({
      name: 'cose',
      animate: !reducedMotion() && cy.nodes().length < 150 ? 'end' : false,
      animationDuration: 400,
      randomize,
      fit: true,
      padding: 30,
      nodeRepulsion: () => 400000,
      nodeOverlap: 20,
      idealEdgeLength: () => 110,
      edgeElasticity: () => 100,
      gravity: 0.3,
      componentSpacing: 80,
      numIter: 1000,
    }).run();
  };

  const refresh = (truncated) => {
    const kinds = new Set(cy.nodes().map((n) => n.data('kind')));
    const types = new Set(cy.edges().map((e) => e.data('type')));
    replace(legendBox, legend(kinds, types));
    container.setAttribute('aria-label', t('graph.aria', { nodes: cy.nodes().length, edges: cy.edges().length }));
    replace(status, t('graph.status', { nodes: formatNumber(cy.nodes().length), edges: formatNumber(cy.edges().length) }),
      truncated ? ` ${t('graph.truncated', { n: FIRST })}` : '');
    renderTable();
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
      if (added) relayout(false);
      refresh(d.neighbourhood.truncated);
      replace(status, status.textContent, ' ', t('graph.added', { n: added, label: node.data('label') }));
      showDetails(node);
    } catch (err) {
      if (err.kind === 'aborted') return;
      expanded.delete(id);
      node.removeClass('expanded');
      replace(status, errorBox(err));
    }
  };

  const showDetails = (node) => {
    const id = node.id();
    const isExpanded = expanded.has(id);
    replace(details,
      h('h2', {}, node.data('label')),
      h('p', {}, kindLabel(node.data('kind')), ' · ', t('graph.degree', { n: node.data('degree') })),
      h('p', { class: 'actions' },
        h('button', { type: 'button', disabled: isExpanded, onclick: () => expand(id) }, isExpanded ? t('graph.expanded') : t('graph.expand')),
        h('a', { href: nodeHref(id), class: 'button secondary' }, t('graph.openPage')),
        h('a', { href: graphHref(id), class: 'button secondary' }, t('graph.recenter')),
        h('a', { href: `${BASE}path?from=${encodeURIComponent(route.id)}&to=${encodeURIComponent(id)}`, class: 'button secondary' }, t('graph.pathHere'))));
  };

  const renderTable = () => {
    const nodes = cy.nodes().sort((a, b) => (a.id() === route.id ? -1 : b.id() === route.id ? 1 : a.data('label').localeCompare(b.data('label'))));
    replace(tableBox, h('table', { class: 'data' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('graph.col.label')),
        h('th', { scope: 'col' }, t('graph.col.kind')),
        h('th', { scope: 'col', class: 'num' }, t('graph.col.degree')),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('graph.col.actions'))))),
      h('tbody', {}, nodes.map((n) => h('tr', {},
        h('th', { scope: 'row' }, h('a', { href: nodeHref(n.id()) }, n.data('label'))),
        h('td', {}, kindLabel(n.data('kind'))),
        h('td', { class: 'num' }, formatNumber(n.data('degree'))),
        h('td', {}, h('button', {
          type: 'button', class: 'link-button', disabled: expanded.has(n.id()),
          'aria-label': t('graph.expand.label', { label: n.data('label') }),
          onclick: () => {
            cy.$(':selected').unselect();
            n.select();
            expand(n.id());
          },
        }, expanded.has(n.id()) ? t('graph.expanded') : t('graph.expand'))))))));
  };

  add(sub);
  cy.getElementById(route.id).addClass('root expanded');
  cy.on('tap', 'node', (e) => {
    showDetails(e.target);
    expand(e.target.id());
  });
  cy.on('select', 'node', (e) => showDetails(e.target));
  cy.on('tap', (e) => {
    if (e.target === cy) cy.elements().removeClass('faded');
  });
  relayout(true);
  refresh(sub.truncated);
  const r = cy.getElementById(route.id);
  if (r.nonempty()) {
    r.select();
    showDetails(r);
  }
}
