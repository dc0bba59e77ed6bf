// What the graph and path views share: Cytoscape.js (loaded only when a
// graph is shown), colours and shapes per kind of node (Okabe–Ito colours,
// told apart by shape too), colours and dashes per type of link, legends.

import { h, uid } from './dom.mjs';
import { t } from './i18n.mjs';
import { truncate } from './ui.mjs';

export const KINDS = {
  NOTE: { color: '#0072B2', shape: 'ellipse' },
  TERM: { color: '#E69F00', shape: 'diamond' },
  ORGANISATION: { color: '#009E73', shape: 'round-rectangle' },
  CONTRIBUTOR: { color: '#CC79A7', shape: 'triangle' },
  CARNET: { color: '#56B4E9', shape: 'rectangle' },
  COMMUNITY: { color: '#D55E00', shape: 'hexagon' },
  KNOWLEDGE_BASE: { color: '#8a7a00', shape: 'star' },
};

export const RELATIONS = {
  LINKS_TO: { color: '#0072B2', dash: 'solid' },
  MENTIONS: { color: '#B07800', dash: 'solid' },
  CONCERNS: { color: '#007A5A', dash: 'solid' },
  AUTHORED: { color: '#A8508A', dash: 'dashed' },
  IN_CARNET: { color: '#2F8FC4', dash: 'dashed' },
  IN_BASE: { color: '#6b6000', dash: 'dotted' },
  OF_COMMUNITY: { color: '#D55E00', dash: 'dotted' },
  MEMBER_OF: { color: '#D55E00', dash: 'dashed' },
  AFFILIATED_WITH: { color: '#007A5A', dash: 'dotted' },
  BROADER: { color: '#B07800', dash: 'dashed' },
  RELATED: { color: '#B07800', dash: 'dotted' },
  COAUTHORED: { color: '#A8508A', dash: 'solid' },
};

let cyPromise = null;

/** cytoscape loads the vendored library once, on first use. */
export function cytoscape() {
  if (!cyPromise) {
    cyPromise = import('./vendor/cytoscape.esm.min.mjs').then((m) => m.default).catch((err) => {
      cyPromise = null;
      throw err;
    });
  }
  return cyPromise;
}

export function nodeData(n) {
  const k = KINDS[n.kind] || KINDS.NOTE;
  return {
    id: n.id,
    label: n.label,
    short: truncate(n.label, 28),
    kind: n.kind,
    degree: n.degree,
    color: k.color,
    shape: k.shape,
    size: Math.round(18 + Math.min(30, Math.sqrt(n.degree || 0) * 5)),
  };
}

export function edgeData(e) {
  const r = RELATIONS[e.relation] || { color: '#666', dash: 'solid' };
  return {
    id: `${e.relation}|${e.from}|${e.to}`,
    source: e.from,
    target: e.to,
    type: e.relation,
    color: r.color,
    dash: r.dash,
  };
}

export const STYLE = [
  {
    selector: 'node',
    style: {
      'background-color': 'data(color)',
      shape: 'data(shape)',
      width: 'data(size)',
      height: 'data(size)',
      // A short label on the canvas; the whole one on hover, on focus (from
      // the table) and in the side panel.
      label: 'data(short)',
      'font-size': 13,
      'font-family': 'system-ui, sans-serif',
      color: '#1b1b1b',
      'text-valign': 'bottom',
      'text-margin-y': 4,
      'text-wrap': 'wrap',
      'text-max-width': 150,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': 2,
      'border-width': 1,
      'border-color': '#ffffff',
    },
  },
  // Labels too small to read are hidden rather than drawn over their
  // neighbours (see fullLabels); Cytoscape's own min-zoomed-font-size rounds
  // the zoom up to a power of two, and would show 13 px labels at 7 px.
  { selector: 'node.label-off', style: { label: '' } },
  // Cluster hubs (see clusterPositions) name their cluster in bigger type,
  // and keep their label when the whole graph is in view.
  { selector: 'node.hub', style: { label: 'data(short)', 'font-size': 24, 'font-weight': 700, 'text-max-width': 260 } },
  // Hundreds of links: thinner and lighter, so that clusters show through.
  { selector: 'edge.crowded', style: { width: 1, opacity: 0.35, 'arrow-scale': 0.6 } },
  { selector: 'node.root', style: { label: 'data(short)', 'font-size': 24, 'text-max-width': 260, 'border-width': 4, 'border-color': '#1b1b1b', 'font-weight': 'bold' } },
  { selector: 'node.expanded', style: { 'border-width': 3, 'border-color': '#555555' } },
  { selector: 'node:selected', style: { 'border-width': 5, 'border-color': '#000000', 'overlay-opacity': 0.12 } },
  { selector: 'node.on-path', style: { 'border-width': 4, 'border-color': '#1b1b1b' } },
  // Zoomed out so far that even the big labels would be under 8 px.
  { selector: 'node.label-tiny', style: { label: '' } },
  {
    selector: 'edge',
    style: {
      width: 1.6,
      'line-color': 'data(color)',
      'line-style': 'data(dash)',
      'target-arrow-color': 'data(color)',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.9,
      'curve-style': 'bezier',
      opacity: 0.85,
    },
  },
  { selector: 'edge.faded, node.faded', style: { opacity: 0.25 } },
  // Focus mode: one node, its links and its neighbours stand out, the rest
  // steps back.
  { selector: 'node.dim', style: { opacity: 0.18, 'text-opacity': 0 } },
  { selector: 'edge.dim', style: { opacity: 0.07 } },
  { selector: 'node.hl', style: { label: 'data(short)', 'z-index': 10 } },
  { selector: 'edge.hl', style: { width: 3, opacity: 1, 'z-index': 9 } },
  { selector: 'node.focus', style: { 'border-width': 5, 'border-color': '#000000', 'z-index': 11 } },
  {
    selector: 'node.full-label',
    style: {
      label: 'data(label)', 'text-max-width': 260, 'text-background-opacity': 1,
      'text-opacity': 1, 'z-index': 20, 'font-weight': 600, 'border-width': 4, 'border-color': '#2f6fde',
    },
  },
];

/** focusOn highlights node, its links and its neighbours, and dims the rest. */
export function focusOn(cy, node) {
  cy.batch(() => {
    cy.elements().removeClass('hl focus').addClass('dim');
    node.closedNeighborhood().removeClass('dim').addClass('hl');
    node.addClass('focus');
  });
}

/** clearFocus leaves focus mode. */
export function clearFocus(cy) {
  cy.batch(() => cy.elements().removeClass('dim hl focus'));
}

/**
 * fullLabels shows a node's whole label while the pointer is on it; tables
 * call showFullLabel for the keyboard.
 */
export function fullLabels(cy) {
  cy.on('mouseover', 'node', (e) => e.target.addClass('full-label'));
  cy.on('mouseout', 'node', (e) => e.target.removeClass('full-label'));
  // The whole label is drawn at 15 px on screen whatever the zoom: a graph
  // of 500 nodes is fitted at a zoom where the model's 13 px would be 3.
  const scale = () => {
    const fs = Math.max(13, 15 / cy.zoom());
    cy.style().selector('node.full-label').style({ 'font-size': fs, 'text-max-width': (260 * fs) / 13 }).update();
  };
  // Labels under 9 px on screen (12 px past 100 nodes, where the whole
  // graph in view would be a wall of text) wait for a closer zoom; the big
  // ones (root, hubs) under 8 px too.
  let off = null;
  let tiny = null;
  const hide = () => {
    const now = cy.zoom() * 13 < (cy.nodes().length > 100 ? 12 : 9);
    const nowTiny = cy.zoom() * 24 < 8;
    if (now !== off || nowTiny !== tiny) {
      cy.batch(() => cy.nodes().toggleClass('label-off', now).toggleClass('label-tiny', nowTiny));
    }
    off = now;
    tiny = nowTiny;
  };
  cy.on('zoom', () => {
    scale();
    hide();
  });
  let pending = false;
  cy.on('add', 'node', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      off = null;
      tiny = null;
      hide();
    });
  });
  scale();
  hide();
}

/**
 * fitFocus brings a node in focus and its neighbours into view when their
 * labels would be too small to read (a big graph seen whole).
 */
export function fitFocus(cy, node) {
  if (cy.zoom() * 13 >= 10) return false;
  const hood = node.closedNeighborhood();
  cy.fit(hood, 40);
  if (cy.zoom() > 1.2) cy.zoom({ level: 1.2, position: node.position() });
  return true;
}

export function showFullLabel(cy, id, on) {
  const n = cy.getElementById(id);
  if (n.nonempty()) n.toggleClass('full-label', on);
}

/**
 * applyFilter takes the nodes of hidden kinds and the links of hidden
 * relations out of the graph (kept aside, put back by the next call or by
 * unfilter); when a relation is hidden, nodes left without any link go too
 * (but `keep`, the root), so that a filter reads as "only these links".
 * Removing rather than hiding (display: none) keeps Cytoscape's bezier
 * edges from tripping over hidden parallel edges when fitting the view.
 */
export function applyFilter(cy, hiddenKinds, hiddenRelations, keep) {
  unfilter(cy);
  let out = cy.nodes().filter((n) => hiddenKinds.has(n.data('kind')));
  out = out.union(out.connectedEdges()).union(cy.edges().filter((e) => hiddenRelations.has(e.data('type'))));
  if (hiddenRelations.size) {
    const orphans = cy.nodes().filter((n) => n.id() !== keep && !out.has(n)
      && n.connectedEdges().nonempty() && n.connectedEdges().every((e) => out.has(e)));
    out = out.union(orphans).union(orphans.connectedEdges());
  }
  cy.scratch('maillageFiltered', out.remove());
}

/** unfilter puts back what applyFilter took out. */
export function unfilter(cy) {
  const out = cy.scratch('maillageFiltered');
  if (out && out.nonempty()) out.restore();
  cy.scratch('maillageFiltered', null);
}

/** everything returns the graph's elements, those the filters took out included. */
export function everything(cy) {
  const out = cy.scratch('maillageFiltered');
  return out ? cy.elements().union(out) : cy.elements();
}

/** shown returns the elements the filters leave on the canvas. */
export function shown(cy) {
  return { nodes: cy.nodes(), edges: cy.edges() };
}

const GOLDEN = Math.PI * (3 - Math.sqrt(5));

/**
 * clusterPositions places each group as a disc (its hub in the middle, the
 * other members on a sunflower spiral around it, the best connected
 * nearest), and the discs around the root (a neighbourhood: one disc per
 * depth-1 node, holding what lies beyond it) or in rows (the network: one
 * disc per community). It is linear in the number of nodes, and no two
 * nodes overlap by construction: what keeps 500 nodes legible and fast.
 */
function clusterPositions(nodes, edges, root) {
  const spacing = 34;
  const gap = 60;
  const visible = new Set(nodes.map((n) => n.id()));
  const groupOf = new Map(); // node id -> hub id ('' for the group without hub)
  const hubs = [];
  if (root && visible.has(root)) {
    // Breadth-first from the root: each node goes with the depth-1 node it was reached through.
    const adj = new Map(nodes.map((n) => [n.id(), []]));
    for (const e of edges) {
      adj.get(e.source().id())?.push(e.target().id());
      adj.get(e.target().id())?.push(e.source().id());
    }
    const queue = [];
    for (const id of adj.get(root) || []) {
      if (id === root || groupOf.has(id)) continue;
      groupOf.set(id, id);
      hubs.push(id);
      queue.push(id);
    }
    while (queue.length) {
      const id = queue.shift();
      for (const next of adj.get(id)) {
        if (next === root || groupOf.has(next)) continue;
        groupOf.set(next, groupOf.get(id));
        queue.push(next);
      }
    }
  } else {
    // Communities are the hubs; a person goes with their first community,
    // anything else with the community most of its neighbours are in.
    for (const n of nodes) if (n.data('kind') === 'COMMUNITY') { hubs.push(n.id()); groupOf.set(n.id(), n.id()); }
    const hubSet = new Set(hubs);
    for (const n of nodes) {
      if (groupOf.has(n.id())) continue;
      const c = n.neighborhood('node').filter((x) => hubSet.has(x.id()) && visible.has(x.id())).sort((a, b) => a.id().localeCompare(b.id()))[0];
      if (c) groupOf.set(n.id(), c.id());
    }
    for (const n of nodes) {
      if (groupOf.has(n.id())) continue;
      const votes = new Map();
      for (const x of n.neighborhood('node')) {
        const g = groupOf.get(x.id());
        if (g !== undefined && visible.has(x.id())) votes.set(g, (votes.get(g) || 0) + 1);
      }
      const best = [...votes].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))[0];
      groupOf.set(n.id(), best ? best[0] : '');
    }
  }
  const members = new Map(hubs.map((hId) => [hId, []]));
  const loose = [];
  for (const n of nodes) {
    const id = n.id();
    if (id === root || members.has(id)) continue;
    const g = groupOf.get(id);
    if (g && members.has(g)) members.get(g).push(n);
    else loose.push(n);
  }
  const byDegree = (a, b) => b.degree() - a.degree() || a.data('kind').localeCompare(b.data('kind')) || a.id().localeCompare(b.id());
  const groups = hubs.map((hId) => ({ hub: hId, list: members.get(hId).sort(byDegree) }));
  if (loose.length) groups.push({ hub: null, list: loose.sort(byDegree) });
  for (const g of groups) g.r = spacing * Math.sqrt(g.list.length + 1) + spacing;
  const pos = {};
  const place = (g, cx, cy) => {
    if (g.hub) pos[g.hub] = { x: cx, y: cy };
    g.list.forEach((n, i) => {
      const k = g.hub ? i + 1 : i + 0.5;
      const r = spacing * Math.sqrt(k);
      pos[n.id()] = { x: cx + r * Math.cos(k * GOLDEN), y: cy + r * Math.sin(k * GOLDEN) };
    });
  };
  if (root && visible.has(root)) {
    pos[root] = { x: 0, y: 0 };
    const total = groups.reduce((s, g) => s + 2 * g.r + gap, 0);
    const maxR = Math.max(0, ...groups.map((g) => g.r));
    const ring = Math.max(total / (2 * Math.PI), maxR + 90);
    let angle = -Math.PI / 2;
    for (const g of groups) {
      const share = ((2 * g.r + gap) / total) * 2 * Math.PI;
      // A group wider than its share of the ring moves outwards until it fits.
      const rr = Math.max(ring, (g.r + gap / 2) / Math.sin(Math.min(Math.PI / 2, share / 2)));
      place(g, rr * Math.cos(angle + share / 2), rr * Math.sin(angle + share / 2));
      angle += share;
    }
  } else {
    // Rows of discs, biggest first, about as wide as a 16:10 screen.
    groups.sort((a, b) => b.r - a.r);
    const area = groups.reduce((s, g) => s + (2 * g.r + gap) ** 2, 0);
    const width = Math.sqrt(area * 1.6);
    let x = 0;
    let y = 0;
    let rowH = 0;
    for (const g of groups) {
      const d = 2 * g.r + gap;
      if (x > 0 && x + d > width) {
        x = 0;
        y += rowH;
        rowH = 0;
      }
      place(g, x + d / 2, y + d / 2);
      x += d;
      rowH = Math.max(rowH, d);
    }
  }
  return { pos, hubs };
}

/**
 * layoutOptions picks a layout that stays legible as the graph grows: a
 * tuned force-directed layout (cose) up to `small` nodes; above, clusters
 * (see clusterPositions), which cose cannot match at 500 nodes either in
 * time (seconds, O(n²) per iteration) or in legibility (a hairball).
 */
export function layoutOptions(cy, { root, animate = false, randomize = false, small = 80 } = {}) {
  const vis = shown(cy);
  const eles = vis.nodes.union(vis.edges);
  const n = vis.nodes.length;
  const base = { eles, fit: true, padding: 30, animate: animate && n < 150 ? 'end' : false, animationDuration: 400 };
  // The best connected nodes (and, below, the clusters' hubs) keep a big
  // label at any zoom: landmarks in a graph whose other labels wait for the
  // reader to zoom in, point or focus.
  const top = vis.nodes.sort((a, b) => (b.data('degree') || 0) - (a.data('degree') || 0) || a.id().localeCompare(b.id())).slice(0, Math.min(8, Math.ceil(n / 10)));
  cy.batch(() => {
    cy.nodes().removeClass('hub');
    top.addClass('hub');
    cy.edges().toggleClass('crowded', vis.edges.length > 300);
  });
  if (n > small) {
    const { pos, hubs } = clusterPositions(vis.nodes, vis.edges, root);
    cy.batch(() => hubs.forEach((id) => cy.getElementById(id).addClass('hub')));
    // Past a hundred nodes the labels wait for a closer zoom, so the view is
    // fitted to the nodes alone: measuring 500 labels to fit them costs
    // seconds on a busy machine (see runLayout).
    return { ...base, name: 'preset', fit: n <= 100, fitNodesOnly: n > 100, positions: (node) => pos[node.id()] || node.position() };
  }
  return {
    ...base,
    name: 'cose',
    randomize,
    nodeRepulsion: () => 400000,
    nodeOverlap: 20,
    idealEdgeLength: () => 110,
    edgeElasticity: () => 100,
    gravity: 0.3,
    componentSpacing: 80,
    numIter: 1000,
  };
}

/** fitNodes fits the view to the nodes' own boxes, labels left out. */
function fitNodes(cy, nodes, padding) {
  const bb = nodes.boundingBox({ includeLabels: false, includeOverlays: false });
  const w = cy.width() - 2 * padding;
  const hgt = cy.height() - 2 * padding;
  if (!nodes.length || w <= 0 || hgt <= 0) return;
  const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), Math.min(w / Math.max(bb.w, 1), hgt / Math.max(bb.h, 1))));
  cy.viewport({ zoom, pan: { x: (cy.width() - zoom * (bb.x1 + bb.x2)) / 2, y: (cy.height() - zoom * (bb.y1 + bb.y2)) / 2 } });
}

/** runLayout lays the graph out and returns how long it took, in milliseconds. */
export function runLayout(cy, opts) {
  const start = performance.now();
  const options = layoutOptions(cy, opts);
  const l = cy.layout(options);
  let ms = null;
  const done = new Promise((resolve) => l.one('layoutstop', () => {
    if (options.fitNodesOnly) fitNodes(cy, options.eles.nodes(), options.padding);
    ms = Math.round(performance.now() - start);
    cy.container()?.setAttribute('data-layout-ms', String(ms));
    cy.container()?.setAttribute('data-layout', options.name === 'preset' ? 'clusters' : options.name);
    resolve(ms);
  }));
  l.run();
  return done;
}

function kindSwatch(kind) {
  const k = KINDS[kind];
  const shapes = {
    ellipse: h('svg:circle', { cx: 9, cy: 9, r: 7 }),
    diamond: h('svg:polygon', { points: '9,1 17,9 9,17 1,9' }),
    'round-rectangle': h('svg:rect', { x: 2, y: 3, width: 14, height: 12, rx: 3 }),
    triangle: h('svg:polygon', { points: '9,1 17,16 1,16' }),
    rectangle: h('svg:rect', { x: 2, y: 3, width: 14, height: 12 }),
    hexagon: h('svg:polygon', { points: '5,2 13,2 17,9 13,16 5,16 1,9' }),
    star: h('svg:polygon', { points: '9,1 11,7 17,7 12,11 14,17 9,13 4,17 6,11 1,7 7,7' }),
  };
  const shape = shapes[k.shape];
  shape.setAttribute('fill', k.color);
  return h('svg:svg', { width: 18, height: 18, viewBox: '0 0 18 18', 'aria-hidden': 'true', focusable: 'false' }, shape);
}

function relationSwatch(type) {
  const r = RELATIONS[type];
  const line = h('svg:line', { x1: 1, y1: 8, x2: 26, y2: 8, stroke: r.color, 'stroke-width': 2.5 });
  if (r.dash === 'dashed') line.setAttribute('stroke-dasharray', '6 3');
  if (r.dash === 'dotted') line.setAttribute('stroke-dasharray', '2 3');
  const head = h('svg:polygon', { points: '26,4 32,8 26,12', fill: r.color });
  return h('svg:svg', { width: 34, height: 16, viewBox: '0 0 34 16', 'aria-hidden': 'true', focusable: 'false' }, line, head);
}

/** legend lists the kinds and link types present in the graph. */
export function legend(kinds, types) {
  return h('div', { class: 'legend' },
    h('h2', {}, t('legend.title')),
    h('div', { class: 'legend-cols' },
      h('div', {},
        h('h3', {}, t('legend.kinds')),
        h('ul', { class: 'legend-list' }, Object.keys(KINDS).filter((k) => kinds.has(k)).map((k) => h('li', { 'data-kind': k }, kindSwatch(k), ' ', t(`kind.${k}`))))),
      h('div', {},
        h('h3', {}, t('legend.relations')),
        h('ul', { class: 'legend-list' }, Object.keys(RELATIONS).filter((r) => types.has(r)).map((r) => h('li', { 'data-relation': r }, relationSwatch(r), ' ', t(`relation.${r}`)))))));
}

/**
 * filterLegend is the legend as filters: one checkbox chip per kind and per
 * relation present, with its count; unticking one hides it from the graph
 * (and from the tables under it). onChange gets the hidden kinds and
 * relations (Sets, changed in place).
 */
export function filterLegend({ kinds, relations, hiddenKinds, hiddenRelations, onChange }) {
  const chip = (attr, key, label, count, swatch, hidden) => {
    const id = uid('f');
    return h('li', { [attr]: key },
      h('input', {
        type: 'checkbox', id, class: 'fchip-box', checked: !hidden.has(key),
        onchange: (e) => {
          if (e.target.checked) hidden.delete(key);
          else hidden.add(key);
          onChange(hiddenKinds, hiddenRelations);
        },
      }),
      h('label', { for: id, class: 'fchip' }, swatch, h('span', {}, label), h('span', { class: 'fchip-count' }, String(count))));
  };
  const group = (title, list) => h('fieldset', { class: 'fchips' }, h('legend', {}, title), h('ul', { class: 'fchip-list' }, list));
  return h('div', { class: 'legend legend-filter' },
    h('h2', {}, t('graphs.filter.title')),
    h('p', { class: 'hint' }, t('graphs.filter.hint')),
    group(t('legend.kinds'), Object.keys(KINDS).filter((k) => kinds.has(k)).map((k) => chip('data-kind', k, t(`kind.${k}`), kinds.get(k), kindSwatch(k), hiddenKinds))),
    group(t('legend.relations'), Object.keys(RELATIONS).filter((r) => relations.has(r)).map((r) => chip('data-relation', r, t(`relation.${r}`), relations.get(r), relationSwatch(r), hiddenRelations))));
}

/** counts tallies values: counts(['a','b','a']) is Map {a: 2, b: 1}. */
export function counts(values) {
  const m = new Map();
  for (const v of values) m.set(v, (m.get(v) || 0) + 1);
  return m;
}

/** reducedMotion says whether layouts should jump rather than animate. */
export function reducedMotion() {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * tableOnlySwitch is the "tables only" toggle of the graph pages: it hides
 * the canvas (graphMain) and moves the focus to the tables' heading, or
 * shows the canvas again and calls onShow (the page's Cytoscape, made
 * after the button, measures it again).
 */
export function tableOnlySwitch(graphMain, heading, onShow) {
  let tableOnly = false;
  const button = h('button', {
    type: 'button', class: 'secondary view-switch', 'aria-pressed': 'false',
    onclick: () => {
      tableOnly = !tableOnly;
      button.setAttribute('aria-pressed', String(tableOnly));
      graphMain.hidden = tableOnly;
      if (tableOnly) heading.focus();
      else onShow();
    },
  }, t('graphs.tableOnly'));
  return button;
}
